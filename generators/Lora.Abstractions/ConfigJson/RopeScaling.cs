using System.Collections.Generic;

namespace Lora
{
    /// <summary>
    /// A RoPE frequency rule other than the default (<c>rope_parameters</c> or the older <c>rope_scaling</c> of config.json):
    /// llama3 (factor, low and high frequency factors, original context length), longrope (a short and a long factor per
    /// frequency, the original context length, and the attention factor cos and sin are scaled by), linear (every
    /// frequency divided by the factor, as Gemma 3's global layers have it), yarn (interpolated low frequencies, kept high
    /// ones, a ramp between set by beta_fast and beta_slow, and an attention factor) or dynamic (NTK: a base that grows
    /// with the sequence once it is longer than max_position_embeddings).
    /// </summary>
    /// <param name="Type">The <c>rope_type</c>: "llama3", "longrope", "linear", "yarn" or "dynamic".</param>
    /// <param name="Factor">How far the context is stretched (llama3's, linear's, yarn's and dynamic's <c>factor</c>; longrope's positions / original).</param>
    /// <param name="LowFrequencyFactor">llama3's <c>low_freq_factor</c> (0 otherwise).</param>
    /// <param name="HighFrequencyFactor">llama3's <c>high_freq_factor</c> (0 otherwise).</param>
    /// <param name="OriginalMaxPositions">
    /// The context length the model was trained at (<c>original_max_position_embeddings</c>); for dynamic, the length past
    /// which the base grows (<c>max_position_embeddings</c>, as transformers reads it); 0 for linear.
    /// </param>
    /// <param name="ShortFactor">longrope's factor per frequency within the original context.</param>
    /// <param name="LongFactor">longrope's factor per frequency beyond the original context.</param>
    /// <param name="AttentionFactor">The scale of cos and sin (longrope's and yarn's attention factor; 1 for the others).</param>
    public sealed record RopeScaling(string Type, double Factor, double LowFrequencyFactor, double HighFrequencyFactor, int OriginalMaxPositions,
        IReadOnlyList<double>? ShortFactor = null, IReadOnlyList<double>? LongFactor = null, double AttentionFactor = 1.0)
    {
        /// <summary>yarn's <c>beta_fast</c>: frequencies turning more often than this over the original context are kept (default 32).</summary>
        public double BetaFast { get; init; } = 32;

        /// <summary>yarn's <c>beta_slow</c>: frequencies turning less often than this are interpolated by the factor (default 1).</summary>
        public double BetaSlow { get; init; } = 1;

        /// <summary>yarn's <c>truncate</c>: the ramp's ends rounded out to whole dimensions (default true).</summary>
        public bool Truncate { get; init; } = true;
    }
}
