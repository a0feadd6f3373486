using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>Builds the boolean mask that combines causality with left padding and, for sliding-window layers, the window.</summary>
public static class AttentionMask
{
    /// <summary>
    /// Null when plain causal attention suffices (no padding mask, nothing cached, no window shorter than the tokens), so
    /// that the attention kernel can take its causal fast path.
    /// </summary>
    /// <param name="paddingMask">(B, T_past + T), 1 for real tokens, 0 for padding; may be null.</param>
    /// <param name="past">Tokens already in the KV cache.</param>
    /// <param name="length">Tokens in this call.</param>
    /// <param name="device">Where the mask is built.</param>
    /// <param name="slidingWindow">
    /// A sliding-window layer's window (Gemma's <c>sliding_window</c>): a query at position p then sees keys p − window + 1 … p
    /// only, positions counted in the sequence as fed (left padding included), as transformers counts them.
    /// </param>
    /// <param name="firstKey">
    /// The position of the first key the layer attends to: 0, or what a sliding layer's cache dropped
    /// (<see cref="KvCache.SlidingOffset"/>); the mask then has a column for each of keys firstKey … past + length − 1.
    /// </param>
    public static Tensor? Build(Tensor? paddingMask, long past, long length, Device device, int? slidingWindow = null, long firstKey = 0)
    {
        long total = past + length;
        bool windowCuts = slidingWindow is int w && total > w;
        if (paddingMask is null && past == 0 && !windowCuts) return null;
        // Query i sits at absolute position past + i and may see keys firstKey..past + i.
        var q = arange(past, total, device: device).unsqueeze(1);          // (T, 1)
        var k = arange(firstKey, total, device: device).unsqueeze(0);      // (1, T_keys)
        var visible = k.le(q);                                              // (T, T_total)
        if (windowCuts) visible = visible.logical_and(k.gt(q - slidingWindow!.Value));
        var mask = visible.unsqueeze(0).unsqueeze(0);                       // (1, 1, T, T_total)
        if (paddingMask is not null)
        {
            if (paddingMask.shape[1] != total)
                throw new ArgumentException($"attention mask has {paddingMask.shape[1]} columns; expected {total} (cached {past} + new {length}).");
            var columns = paddingMask.narrow(1, firstKey, total - firstKey);
            mask = mask.logical_and(columns.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1)); // (B, 1, T, T_keys)
        }
        return mask;
    }
}
