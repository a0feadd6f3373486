using Lora.Runtime.Models;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Models;

/// <summary>
/// Sliding-window layers' masks (Gemma): a query at position p sees keys p − window + 1 … p, in training, under left padding
/// and with a cache; and soft-capped attention (Gemma 2 with eager attention).
/// </summary>
public class AttentionTests
{
    public AttentionTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    static bool[,] Rows(Tensor mask, int batch = 0)
    {
        var m = mask[batch, 0];
        var rows = new bool[m.shape[0], m.shape[1]];
        for (int i = 0; i < m.shape[0]; i++)
            for (int j = 0; j < m.shape[1]; j++)
                rows[i, j] = m[i, j].item<bool>();
        return rows;
    }

    static bool[,] Expected(long queries, long keys, Func<long, long, bool> visible)
    {
        var rows = new bool[queries, keys];
        for (long i = 0; i < queries; i++)
            for (long j = 0; j < keys; j++)
                rows[i, j] = visible(i, j);
        return rows;
    }

    [Fact]
    public void A_window_smaller_than_the_sequence_hides_the_keys_before_it()
    {
        var mask = AttentionMask.Build(null, past: 0, length: 6, CPU, slidingWindow: 3)!;
        Assert.Equal(new long[] { 1, 1, 6, 6 }, mask.shape);
        Assert.Equal(Expected(6, 6, (q, k) => k <= q && k > q - 3), Rows(mask));
    }

    [Fact]
    public void A_window_as_long_as_the_sequence_leaves_the_causal_fast_path()
    {
        Assert.Null(AttentionMask.Build(null, past: 0, length: 4, CPU, slidingWindow: 4));
        Assert.Null(AttentionMask.Build(null, past: 0, length: 4, CPU));
    }

    [Fact]
    public void Left_padding_and_the_window_both_apply_with_positions_counted_as_fed()
    {
        var padding = tensor(new long[,] { { 1, 1, 1, 1, 1, 1 }, { 0, 0, 1, 1, 1, 1 } });
        var mask = AttentionMask.Build(padding, past: 0, length: 6, CPU, slidingWindow: 3)!;
        Assert.Equal(new long[] { 2, 1, 6, 6 }, mask.shape);
        Assert.Equal(Expected(6, 6, (q, k) => k <= q && k > q - 3), Rows(mask, 0));
        Assert.Equal(Expected(6, 6, (q, k) => k <= q && k > q - 3 && k >= 2), Rows(mask, 1));
    }

    [Fact]
    public void With_a_cache_the_new_tokens_see_the_window_of_cached_keys()
    {
        var oneToken = AttentionMask.Build(ones(1, 6, ScalarType.Int64), past: 5, length: 1, CPU, slidingWindow: 3)!;
        Assert.Equal(Expected(1, 6, (_, k) => k >= 3), Rows(oneToken));
        var twoTokens = AttentionMask.Build(null, past: 4, length: 2, CPU, slidingWindow: 3)!;
        Assert.Equal(Expected(2, 6, (q, k) => k <= q + 4 && k > q + 4 - 3), Rows(twoTokens));
    }

    [Fact]
    public void Soft_capped_attention_is_the_eager_formula_and_a_huge_cap_is_plain_attention()
    {
        manual_seed(3);
        var (q, k, v) = (randn(2, 4, 6, 8) * 2, randn(2, 2, 6, 8) * 2, randn(2, 2, 6, 8));   // 4 query heads over 2 key/value heads
        var window = AttentionMask.Build(null, 0, 6, CPU, slidingWindow: 3)!;

        var capped = Attention.Compute(q, k, v, window, scale: 0.3, softcap: 2.0);
        var (kk, vv) = (k.repeat_interleave(2, dim: 1), v.repeat_interleave(2, dim: 1));
        var scores = (q.matmul(kk.transpose(-2, -1)) * 0.3 / 2.0).tanh() * 2.0;
        var reference = scores.masked_fill(window.logical_not(), float.MinValue).softmax(-1).matmul(vv).transpose(1, 2).reshape(2, 6, 32);
        Tolerance.Close(capped, reference, 1e-6, "c·tanh(scores / c), masked, softmax");

        // With a cap far above every score the eager path is the fused kernel's attention, scale and mask included.
        Tolerance.Close(Attention.Compute(q, k, v, window, scale: 0.3, softcap: 1e7), Attention.Compute(q, k, v, window, scale: 0.3), 1e-5, "windowed");
        Tolerance.Close(Attention.Compute(q, k, v, null, scale: 0.3, softcap: 1e7), Attention.Compute(q, k, v, null, scale: 0.3), 1e-5, "causal");
        Assert.True(Tolerance.RelativeError(capped, Attention.Compute(q, k, v, window, scale: 0.3)) > 1e-2, "the cap changes nothing");
    }
}
