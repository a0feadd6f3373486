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
    public static Tensor? Build(Tensor? paddingMask, long past, long length, Device device, int? slidingWindow = null)
    {
        long total = past + length;
        bool windowCuts = slidingWindow is int w && total > w;
        if (paddingMask is null && past == 0 && !windowCuts) return null;
        // Query i sits at absolute position past + i and may see keys 0..past + i.
        var q = arange(past, total, device: device).unsqueeze(1);          // (T, 1)
        var k = arange(0, total, device: device).unsqueeze(0);             // (1, T_total)
        var visible = k.le(q);                                              // (T, T_total)
        if (windowCuts) visible = visible.logical_and(k.gt(q - slidingWindow!.Value));
        var mask = visible.unsqueeze(0).unsqueeze(0);                       // (1, 1, T, T_total)
        if (paddingMask is not null)
        {
            if (paddingMask.shape[1] != total)
                throw new ArgumentException($"attention mask has {paddingMask.shape[1]} columns; expected {total} (cached {past} + new {length}).");
            mask = mask.logical_and(paddingMask.to(ScalarType.Bool).unsqueeze(1).unsqueeze(1)); // (B, 1, T, T_total)
        }
        return mask;
    }
}
