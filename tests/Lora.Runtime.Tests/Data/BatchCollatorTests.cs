using Lora.Runtime.Data;
using Lora.Runtime.Native;

namespace Lora.Runtime.Tests.Data;

/// <summary>Right padding: padded positions carry no loss and are masked out; no padding, no mask.</summary>
public class BatchCollatorTests
{
    public BatchCollatorTests() => TorchNative.EnsureLoaded();

    static long[,] Values(TorchSharp.torch.Tensor t)
    {
        var flat = t.data<long>().ToArray();
        var result = new long[t.shape[0], t.shape[1]];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(long));
        return result;
    }

    [Fact]
    public void Shorter_examples_are_right_padded_with_ignored_labels_and_a_zero_mask()
    {
        var examples = new[]
        {
            new TokenizedExample([5, 6, 7], [-100, 6, 7], "a:1"),
            new TokenizedExample([8], [8], "a:2"),
        };

        var batch = BatchCollator.Collate(examples, padId: 0);

        Assert.Equal(new long[,] { { 5, 6, 7 }, { 8, 0, 0 } }, Values(batch.InputIds));
        Assert.Equal(new long[,] { { -100, 6, 7 }, { 8, -100, -100 } }, Values(batch.Labels));
        Assert.NotNull(batch.AttentionMask);
        Assert.Equal(new long[,] { { 1, 1, 1 }, { 1, 0, 0 } }, Values(batch.AttentionMask!));
    }

    [Fact]
    public void Equal_lengths_need_no_padding_and_get_no_mask()
    {
        var examples = new[]
        {
            new TokenizedExample([1, 2], [1, 2], "a:1"),
            new TokenizedExample([3, 4], [-100, 4], "a:2"),
        };

        var batch = BatchCollator.Collate(examples, padId: 0);

        Assert.Null(batch.AttentionMask);
        Assert.Equal(new long[,] { { 1, 2 }, { -100, 4 } }, Values(batch.Labels));
    }
}
