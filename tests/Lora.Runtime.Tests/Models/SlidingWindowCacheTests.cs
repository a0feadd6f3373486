using Lora.Runtime.Models;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Models;

/// <summary>
/// A KV cache made for a model with sliding-window layers keeps window − 1 positions in those layers, and the model gives
/// the logits it gives with every position kept, or with no cache at all: fed in chunks, token by token, and under left
/// padding.
/// </summary>
public class SlidingWindowCacheTests
{
    public SlidingWindowCacheTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    public static TheoryData<string> Models => new() { "gemma2", "gemma3", "mistral-sliding", "qwen2-sliding" };

    [Theory]
    [MemberData(nameof(Models))]
    public void Sliding_layers_keep_window_minus_one_positions_and_the_logits_of_the_full_forward(string name)
    {
        using var model = SmallModels.Random(FamilyEndToEndTests.Config(name));
        int window = model.Config.SlidingWindow!.Value;
        var ids = SmallModels.Ids(length: 14);
        using var _ = no_grad();
        var full = model.Forward(ids);
        // Chunks of 3, 1, 6 and then one token at a time: the window cuts within the cache, within the new tokens, and across both.
        using var cache = KvCache.For(model.Config);
        var parts = new List<Tensor>();
        foreach (var (start, length) in new[] { (0, 3), (3, 1), (4, 6), (10, 1), (11, 1), (12, 1), (13, 1) })
        {
            parts.Add(model.Forward(ids.narrow(1, start, length), cache: cache));
            for (int layer = 0; layer < model.NumLayers; layer++)
                Assert.Equal(model.Config.SlidingLayers[layer] ? Math.Min(cache.Length, window - 1) : cache.Length, cache.Stored(layer));
        }
        Assert.Equal(14 - (window - 1), cache.SlidingOffset);
        Tolerance.Close(cat(parts, 1), full, Tolerance.Logits, $"{name}: a trimmed cache");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Under_left_padding_a_trimmed_cache_gives_what_a_whole_one_gives(string name)
    {
        using var model = SmallModels.Random(FamilyEndToEndTests.Config(name));
        var ids = SmallModels.Ids(length: 12);
        var mask = ones(2, 12, ScalarType.Int64);
        mask[1].narrow(0, 0, 3).fill_(0);                                         // row 1: 3 pads, then 9 tokens
        var positions = (mask.cumsum(-1) - 1).masked_fill(mask.eq(0), 1);
        using var _ = no_grad();
        // Logits from position 3 on: before it, row 1's queries are pads, which see no key.
        Tensor Run(KvCache cache) => cat(new[] { (0, 5), (5, 1), (6, 1), (7, 5) }.Select(p =>
            model.Forward(ids.narrow(1, p.Item1, p.Item2), mask.narrow(1, 0, p.Item1 + p.Item2), positions.narrow(1, p.Item1, p.Item2), cache)).ToList(), 1).narrow(1, 3, 9);
        using var whole = new KvCache(model.NumLayers);
        using var trimmed = KvCache.For(model.Config);
        var expected = Run(whole);
        Tolerance.Close(Run(trimmed), expected, 1e-6, $"{name}: padded rows through a trimmed cache");
        Assert.True(trimmed.SlidingOffset > 0);
        Tolerance.Close(expected, model.Forward(ids, mask, positions).narrow(1, 3, 9), Tolerance.Logits, $"{name}: padded rows, cached and not");
    }
}
