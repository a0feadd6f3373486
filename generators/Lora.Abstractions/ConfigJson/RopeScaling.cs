using System.Collections.Generic;

namespace Lora
{
    /// <summary>
    /// A RoPE frequency rule other than the default (<c>rope_parameters</c> or the older <c>rope_scaling</c> of config.json):
    /// llama3 (factor, low and high frequency factors, original context length), longrope (a short and a long factor per
    /// frequency, the original context length, and the attention factor cos and sin are scaled by) or linear (every
    /// frequency divided by the factor, as Gemma 3's global layers have it).
    /// </summary>
    /// <param name="Type">The <c>rope_type</c>: "llama3", "longrope" or "linear".</param>
    /// <param name="Factor">How far the context is stretched (llama3's and linear's <c>factor</c>; longrope's positions / original).</param>
    /// <param name="LowFrequencyFactor">llama3's <c>low_freq_factor</c> (0 otherwise).</param>
    /// <param name="HighFrequencyFactor">llama3's <c>high_freq_factor</c> (0 otherwise).</param>
    /// <param name="OriginalMaxPositions">The context length the model was trained at (<c>original_max_position_embeddings</c>; 0 for linear).</param>
    /// <param name="ShortFactor">longrope's factor per frequency within the original context.</param>
    /// <param name="LongFactor">longrope's factor per frequency beyond the original context.</param>
    /// <param name="AttentionFactor">longrope's scale of cos and sin (1 for llama3).</param>
    public sealed record RopeScaling(string Type, double Factor, double LowFrequencyFactor, double HighFrequencyFactor, int OriginalMaxPositions,
        IReadOnlyList<double>? ShortFactor = null, IReadOnlyList<double>? LongFactor = null, double AttentionFactor = 1.0);
}
