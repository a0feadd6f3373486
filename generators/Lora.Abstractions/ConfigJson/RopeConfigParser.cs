using System;
using System.Collections.Generic;
using System.Linq;

namespace Lora
{
    /// <summary>
    /// The RoPE keys of a config.json: <c>rope_parameters</c> (transformers 5) or the older <c>rope_scaling</c>, its
    /// <c>rope_type</c> (or <c>type</c>), the base <c>rope_theta</c> (in the parameters or at the top level) and
    /// <c>partial_rotary_factor</c>, read as transformers 5 standardizes them. Only the rules the runtime implements
    /// (<see cref="ModelFamilies.RopeTypes"/>) are accepted.
    /// </summary>
    internal static class RopeConfigParser
    {
        /// <summary>transformers' base when a config names none.</summary>
        public const double DefaultTheta = 10000.0;

        /// <summary>yarn's <c>beta_fast</c> when absent, null or 0 (transformers: <c>get("beta_fast") or 32</c>).</summary>
        public const double DefaultBetaFast = 32;

        /// <summary>yarn's <c>beta_slow</c> when absent, null or 0.</summary>
        public const double DefaultBetaSlow = 1;

        /// <summary>Reads the rope base, the frequency rule and how much of each head rotates.</summary>
        /// <param name="config">The top-level object.</param>
        /// <param name="headDim">The width of one head.</param>
        /// <param name="maxPositions">max_position_embeddings, as read or defaulted (longrope, yarn and dynamic scale by it).</param>
        /// <param name="defaultTheta">The family's base when the file names none.</param>
        /// <param name="partialRotary">
        /// Whether the family rotates part of each head when <c>partial_rotary_factor</c> is below 1 (Phi-3's attention does;
        /// the other families' attention would fail in transformers, and is refused).
        /// </param>
        /// <returns>The base, the rule (null for the default rule) and the rotated channels of each head.</returns>
        public static (double Theta, RopeScaling? Scaling, int RotaryDim) Read(ConfigObjectReader config, int headDim, int maxPositions,
            double defaultTheta = DefaultTheta, bool partialRotary = false)
        {
            var rope = config.OptionalObject("rope_parameters") ?? config.OptionalObject("rope_scaling");
            var rotaryDim = RotaryDim(config, rope, headDim, partialRotary);
            var scaling = Rule(rope, config, rotaryDim, maxPositions, nested: false);
            return (rope?.OptionalDouble("rope_theta") ?? config.OptionalDouble("rope_theta") ?? defaultTheta, scaling, rotaryDim);
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
            RotaryDim(config, rope, headDim, partialRotary: false);
            var scaling = Rule(rope, config, headDim, maxPositions, IsNested(config));
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
            RotaryDim(config, rope, headDim, partialRotary: false);
            var scaling = Rule(rope, config, headDim, maxPositions, IsNested(config));
            return (rope?.OptionalDouble("rope_theta") ?? config.OptionalDouble("rope_local_base_freq") ?? defaultTheta, scaling);
        }

        /// <summary>Whether <c>rope_parameters</c> holds one object per layer type (transformers 5's Gemma 3).</summary>
        private static bool IsNested(ConfigObjectReader config) =>
            config.OptionalObject("rope_parameters") is { } parameters
            && (parameters.OptionalObject("full_attention") is not null || parameters.OptionalObject("sliding_attention") is not null);

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

        /// <summary>
        /// The frequency rule of one rope object (<c>rope_type</c>, or <c>type</c> in older files); null for the default.
        /// <paramref name="nested"/>: the object is one layer type's, inside a per-type <c>rope_parameters</c>.
        /// </summary>
        private static RopeScaling? Rule(ConfigObjectReader? rope, ConfigObjectReader config, int rotaryDim, int maxPositions, bool nested)
        {
            var ropeType = rope?.OptionalString("rope_type") ?? rope?.OptionalString("type");
            if (ropeType is not null && !ModelFamilies.RopeTypes.Contains(ropeType))
            {
                throw config.Unsupported("rope type '" + ropeType + "' is not supported yet; expected one of " + string.Join(", ", ModelFamilies.RopeTypes));
            }

            return ropeType switch
            {
                "llama3" => Llama3(rope!, config, maxPositions, nested),
                "longrope" => LongRope(rope!, config, rotaryDim, maxPositions, nested),
                "linear" => Linear(rope!),
                "yarn" => Yarn(rope!, config, maxPositions, nested),
                "dynamic" => Dynamic(rope!, maxPositions),
                _ => null,
            };
        }

        /// <summary>
        /// The leading channels of each head that RoPE rotates: head_dim × <c>partial_rotary_factor</c>, truncated as Python's
        /// int() does. transformers 5 takes the factor from the top level first (its config attribute), then from the rope
        /// parameters (where it saves it).
        /// </summary>
        private static int RotaryDim(ConfigObjectReader config, ConfigObjectReader? rope, int headDim, bool partialRotary)
        {
            var topLevel = config.OptionalDouble("partial_rotary_factor");
            var key = topLevel is not null ? "partial_rotary_factor" : rope?.NameOf("partial_rotary_factor");
            var partial = topLevel ?? rope?.OptionalDouble("partial_rotary_factor") ?? 1.0;
            if (partial == 1.0)
            {
                return headDim;
            }

            if (!partialRotary)
            {
                throw config.Unsupported(key + " " + ModelConfigChecks.Text(partial) + " is not supported for this model_type (transformers rotates part of "
                    + "each head only in Phi-3's attention); expected 1.0");
            }

            var dim = ModelConfigChecks.IsFinite(partial) && partial > 0 && partial < 1 ? (int)(headDim * partial) : 0;
            if (dim <= 0 || dim % 2 != 0)
            {
                throw config.Error(key + " " + ModelConfigChecks.Text(partial) + " rotates " + ModelConfigChecks.Text(dim) + " of head_dim "
                    + ModelConfigChecks.Text(headDim) + " channels; expected a factor in (0, 1] that leaves a positive, even count");
            }

            return dim;
        }

        /// <summary>
        /// The context length the model was pretrained at, as transformers 5 standardizes it for llama3, yarn and longrope: the
        /// top-level <c>original_max_position_embeddings</c> first (Phi-3 saves it there), then the rope parameters' own, then
        /// max_position_embeddings; a per-layer-type object has only its own or max_position_embeddings.
        /// </summary>
        private static int OriginalContext(ConfigObjectReader rope, ConfigObjectReader config, int maxPositions, bool nested)
        {
            const string Key = "original_max_position_embeddings";
            var topLevel = nested ? null : config.OptionalInt(Key);
            var original = topLevel ?? rope.OptionalInt(Key) ?? maxPositions;
            return original > 0
                ? original
                : throw config.Error((topLevel is null ? rope.NameOf(Key) : Key) + " is " + ModelConfigChecks.Text(original) + "; expected a positive length");
        }

        /// <summary>Linear interpolation (transformers' <c>_compute_linear_scaling_rope_parameters</c>): every frequency divided by <c>factor</c>.</summary>
        private static RopeScaling Linear(ConfigObjectReader rope) => rope.OptionalDouble("factor") is double d && ModelConfigChecks.IsFinite(d) && d > 0
            ? new RopeScaling("linear", d, 0, 0, 0)
            : throw rope.Error("rope type linear needs a positive 'factor'");

        private static RopeScaling Llama3(ConfigObjectReader rope, ConfigObjectReader config, int maxPositions, bool nested)
        {
            double Positive(string key) => rope.OptionalDouble(key) is double d && ModelConfigChecks.IsFinite(d) && d > 0
                ? d
                : throw rope.Error("rope type llama3 needs a positive '" + key + "'");

            var scaling = new RopeScaling("llama3", Positive("factor"), Positive("low_freq_factor"), Positive("high_freq_factor"),
                OriginalContext(rope, config, maxPositions, nested));
            if (scaling.HighFrequencyFactor <= scaling.LowFrequencyFactor)
            {
                throw rope.Error("llama3 rope's high_freq_factor (" + ModelConfigChecks.Text(scaling.HighFrequencyFactor) + ") must exceed low_freq_factor ("
                    + ModelConfigChecks.Text(scaling.LowFrequencyFactor) + ")");
            }

            return scaling;
        }

        /// <summary>
        /// longrope's parameters as transformers 5 derives them: a factor per rotated frequency for short and for long
        /// sequences; the scale is <c>factor</c> or, without one, max_position_embeddings / original; the attention factor,
        /// unless given, √(1 + ln scale / ln original) (1 when the scale is at most 1).
        /// </summary>
        private static RopeScaling LongRope(ConfigObjectReader rope, ConfigObjectReader config, int rotaryDim, int positions, bool nested)
        {
            IReadOnlyList<double> Factors(string key)
            {
                var factors = rope.OptionalNumbers(key) ?? throw rope.Error("rope type longrope needs '" + key + "', a list of numbers");
                if (factors.Count != rotaryDim / 2 || !factors.All(f => ModelConfigChecks.IsFinite(f) && f > 0))
                {
                    throw rope.Error("longrope's '" + key + "' has " + ModelConfigChecks.Text(factors.Count) + " values; expected "
                        + ModelConfigChecks.Text(rotaryDim / 2) + " positive numbers (head_dim / 2, of the rotated channels)");
                }

                return factors;
            }

            var original = OriginalContext(rope, config, positions, nested);
            var scale = rope.OptionalDouble("factor") ?? (double)positions / original;
            var attention = rope.OptionalDouble("attention_factor")
                ?? (scale <= 1.0 ? 1.0 : Math.Sqrt(1 + Math.Log(scale) / Math.Log(original)));
            return new RopeScaling("longrope", scale, 0, 0, original, Factors("short_factor"), Factors("long_factor"), attention);
        }

        /// <summary>
        /// YaRN (transformers 5's <c>_compute_yarn_parameters</c>): <c>factor</c> (JSON null: max_position_embeddings / original),
        /// the original context, <c>beta_fast</c> and <c>beta_slow</c> (absent, null or 0: 32 and 1), <c>truncate</c> (default
        /// true; transformers reads it from the top-level rope parameters, so a per-layer-type object's own is never read), and
        /// the attention factor: <c>attention_factor</c>, else mscale(factor, <c>mscale</c>) / mscale(factor, <c>mscale_all_dim</c>)
        /// when both are non-zero, else mscale(factor), where mscale(s, m) = 0.1·m·ln s + 1 (1 when s ≤ 1).
        /// </summary>
        private static RopeScaling Yarn(ConfigObjectReader rope, ConfigObjectReader config, int positions, bool nested)
        {
            var original = OriginalContext(rope, config, positions, nested);
            if (!rope.Has("factor"))
            {
                throw rope.Error("rope type yarn needs a positive 'factor'");
            }

            var factor = rope.OptionalDouble("factor") ?? (double)positions / original;
            if (!ModelConfigChecks.IsFinite(factor) || factor <= 0)
            {
                throw rope.Error("rope type yarn needs a positive 'factor'; it is " + ModelConfigChecks.Text(factor));
            }

            double Scale(double m) => factor <= 1 ? 1.0 : 0.1 * m * Math.Log(factor) + 1.0;
            var mscale = rope.OptionalDouble("mscale");
            var mscaleAllDim = rope.OptionalDouble("mscale_all_dim");
            var attention = rope.OptionalDouble("attention_factor")
                ?? (mscale is double m && m != 0 && mscaleAllDim is double a && a != 0 ? Scale(m) / Scale(a) : Scale(1));
            var betaFast = rope.OptionalDouble("beta_fast") is double bf && bf != 0 ? bf : DefaultBetaFast;
            var betaSlow = rope.OptionalDouble("beta_slow") is double bs && bs != 0 ? bs : DefaultBetaSlow;
            if (!ModelConfigChecks.IsFinite(attention) || attention <= 0 || !ModelConfigChecks.IsFinite(betaFast) || betaFast <= 0
                || !ModelConfigChecks.IsFinite(betaSlow) || betaSlow <= 0)
            {
                throw rope.Error("yarn's attention factor (" + ModelConfigChecks.Text(attention) + "), beta_fast (" + ModelConfigChecks.Text(betaFast)
                    + ") and beta_slow (" + ModelConfigChecks.Text(betaSlow) + ") must be positive");
            }

            return new RopeScaling("yarn", factor, 0, 0, original, AttentionFactor: attention)
            {
                // transformers: get("truncate", True), so JSON null (None) does not truncate.
                BetaFast = betaFast, BetaSlow = betaSlow, Truncate = nested || (rope.Has("truncate") ? rope.OptionalBool("truncate") == true : true),
            };
        }

        /// <summary>
        /// Dynamic NTK (transformers' <c>_compute_dynamic_ntk_parameters</c>): <c>factor</c>, and max_position_embeddings as
        /// the length past which the base grows (transformers reads no original length for it).
        /// </summary>
        private static RopeScaling Dynamic(ConfigObjectReader rope, int positions) => rope.OptionalDouble("factor") is double d && ModelConfigChecks.IsFinite(d) && d > 0
            ? new RopeScaling("dynamic", d, 0, 0, positions)
            : throw rope.Error("rope type dynamic needs a positive 'factor'");
    }
}
