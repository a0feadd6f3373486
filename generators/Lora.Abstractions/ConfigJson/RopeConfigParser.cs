using System;
using System.Collections.Generic;
using System.Linq;

namespace Lora
{
    /// <summary>
    /// The RoPE keys of a config.json: <c>rope_parameters</c> (transformers 5) or the older <c>rope_scaling</c>, its
    /// <c>rope_type</c> (or <c>type</c>), the base <c>rope_theta</c> (in the parameters or at the top level) and
    /// <c>partial_rotary_factor</c>. Only the rules the runtime implements (<see cref="ModelFamilies.RopeTypes"/>) are accepted.
    /// </summary>
    internal static class RopeConfigParser
    {
        /// <summary>transformers' base when a config names none.</summary>
        public const double DefaultTheta = 10000.0;

        /// <summary>Reads the rope base and frequency rule.</summary>
        /// <param name="config">The top-level object.</param>
        /// <param name="headDim">The width of one head (longrope has a factor per frequency: head_dim / 2).</param>
        /// <param name="maxPositions">max_position_embeddings, as read or defaulted (longrope scales by it).</param>
        /// <param name="defaultTheta">The family's base when the file names none.</param>
        /// <returns>The base and the rule (null for the default rule).</returns>
        public static (double Theta, RopeScaling? Scaling) Read(ConfigObjectReader config, int headDim, int maxPositions, double defaultTheta = DefaultTheta)
        {
            var rope = config.OptionalObject("rope_parameters") ?? config.OptionalObject("rope_scaling");
            var scaling = Rule(rope, config, headDim, maxPositions);
            CheckPartialRotary(config);
            return (rope?.OptionalDouble("rope_theta") ?? config.OptionalDouble("rope_theta") ?? defaultTheta, scaling);
        }

        /// <summary>
        /// Gemma 3's global layers: <c>rope_parameters.full_attention</c> (transformers 5) or, in older files, the top-level
        /// <c>rope_theta</c> and <c>rope_scaling</c> (which transformers applies to the global layers alone).
        /// </summary>
        /// <param name="config">The top-level object.</param>
        /// <param name="headDim">The width of one head.</param>
        /// <param name="maxPositions">max_position_embeddings, as read or defaulted.</param>
        /// <param name="defaultTheta">The family's global base (Gemma3TextConfig: 1,000,000).</param>
        /// <returns>The base and the rule (null for the default rule).</returns>
        public static (double Theta, RopeScaling? Scaling) ReadGlobal(ConfigObjectReader config, int headDim, int maxPositions, double defaultTheta)
        {
            var rope = PerLayerType(config, "full_attention") ?? config.OptionalObject("rope_scaling");
            var scaling = Rule(rope, config, headDim, maxPositions);
            CheckPartialRotary(config);
            return (rope?.OptionalDouble("rope_theta") ?? config.OptionalDouble("rope_theta") ?? defaultTheta, scaling);
        }

        /// <summary>
        /// Gemma 3's sliding-window layers: <c>rope_parameters.sliding_attention</c> (transformers 5) or, in older files, the
        /// default rule with base <c>rope_local_base_freq</c>.
        /// </summary>
        /// <param name="config">The top-level object.</param>
        /// <param name="headDim">The width of one head.</param>
        /// <param name="maxPositions">max_position_embeddings, as read or defaulted.</param>
        /// <param name="defaultTheta">The family's local base (Gemma3TextConfig: 10,000).</param>
        /// <returns>The base and the rule (null for the default rule).</returns>
        public static (double Theta, RopeScaling? Scaling) ReadLocal(ConfigObjectReader config, int headDim, int maxPositions, double defaultTheta)
        {
            var rope = PerLayerType(config, "sliding_attention");
            var scaling = Rule(rope, config, headDim, maxPositions);
            return (rope?.OptionalDouble("rope_theta") ?? config.OptionalDouble("rope_local_base_freq") ?? defaultTheta, scaling);
        }

        /// <summary>
        /// transformers 5's rope parameters of one layer type (<c>rope_parameters.full_attention</c>); a <c>rope_parameters</c>
        /// without per-type members is the global layers' own.
        /// </summary>
        private static ConfigObjectReader? PerLayerType(ConfigObjectReader config, string layerType)
        {
            var parameters = config.OptionalObject("rope_parameters");
            if (parameters is null)
            {
                return null;
            }

            var full = parameters.OptionalObject("full_attention");
            var sliding = parameters.OptionalObject("sliding_attention");
            if (full is null && sliding is null)
            {
                return layerType == "full_attention" ? parameters : null;
            }

            return layerType == "full_attention" ? full : sliding;
        }

        /// <summary>The frequency rule of one rope object (<c>rope_type</c>, or <c>type</c> in older files); null for the default.</summary>
        private static RopeScaling? Rule(ConfigObjectReader? rope, ConfigObjectReader config, int headDim, int maxPositions)
        {
            var ropeType = rope?.OptionalString("rope_type") ?? rope?.OptionalString("type");
            if (ropeType is not null && !ModelFamilies.RopeTypes.Contains(ropeType))
            {
                throw config.Error("rope type '" + ropeType + "' is not supported yet; expected one of " + string.Join(", ", ModelFamilies.RopeTypes));
            }

            return ropeType switch
            {
                "llama3" => Llama3(rope!),
                "longrope" => LongRope(rope!, config, headDim, maxPositions),
                "linear" => Linear(rope!),
                _ => null,
            };
        }

        private static void CheckPartialRotary(ConfigObjectReader config)
        {
            if (config.OptionalDouble("partial_rotary_factor") is double partial && partial != 1.0)
            {
                throw config.Error("partial_rotary_factor " + ModelConfigChecks.Text(partial) + " is not supported; expected 1.0");
            }
        }

        /// <summary>Linear interpolation (transformers' <c>_compute_linear_scaling_rope_parameters</c>): every frequency divided by <c>factor</c>.</summary>
        private static RopeScaling Linear(ConfigObjectReader rope) => rope.OptionalDouble("factor") is double d && ModelConfigChecks.IsFinite(d) && d > 0
            ? new RopeScaling("linear", d, 0, 0, 0)
            : throw rope.Error("rope type linear needs a positive 'factor'");

        private static RopeScaling Llama3(ConfigObjectReader rope)
        {
            double Positive(string key) => rope.OptionalDouble(key) is double d && ModelConfigChecks.IsFinite(d) && d > 0
                ? d
                : throw rope.Error("rope type llama3 needs a positive '" + key + "'");

            var scaling = new RopeScaling("llama3", Positive("factor"), Positive("low_freq_factor"), Positive("high_freq_factor"), (int)Positive("original_max_position_embeddings"));
            if (scaling.HighFrequencyFactor <= scaling.LowFrequencyFactor)
            {
                throw rope.Error("llama3 rope's high_freq_factor (" + ModelConfigChecks.Text(scaling.HighFrequencyFactor) + ") must exceed low_freq_factor ("
                    + ModelConfigChecks.Text(scaling.LowFrequencyFactor) + ")");
            }

            return scaling;
        }

        /// <summary>
        /// longrope's parameters as transformers derives them: a factor per frequency (head_dim / 2 of them) for short and for
        /// long sequences; with an original context length (in the rope parameters or at the top level) the scale is
        /// max_position_embeddings / original, and the attention factor, unless given, √(1 + ln scale / ln original) (1 when the
        /// scale is at most 1).
        /// </summary>
        private static RopeScaling LongRope(ConfigObjectReader rope, ConfigObjectReader config, int headDim, int positions)
        {
            IReadOnlyList<double> Factors(string key)
            {
                var factors = rope.OptionalNumbers(key) ?? throw rope.Error("rope type longrope needs '" + key + "', a list of numbers");
                if (factors.Count != headDim / 2 || !factors.All(f => ModelConfigChecks.IsFinite(f) && f > 0))
                {
                    throw rope.Error("longrope's '" + key + "' has " + ModelConfigChecks.Text(factors.Count) + " values; expected "
                        + ModelConfigChecks.Text(headDim / 2) + " positive numbers (head_dim / 2)");
                }

                return factors;
            }

            var original = rope.OptionalInt("original_max_position_embeddings") ?? config.OptionalInt("original_max_position_embeddings");
            var scale = original is int o ? (double)positions / o : rope.OptionalDouble("factor") ?? 1.0;
            var attention = rope.OptionalDouble("attention_factor")
                ?? (scale <= 1.0 ? 1.0 : Math.Sqrt(1 + Math.Log(scale) / Math.Log(original ?? positions)));
            return new RopeScaling("longrope", scale, 0, 0, original ?? positions, Factors("short_factor"), Factors("long_factor"), attention);
        }
    }
}
