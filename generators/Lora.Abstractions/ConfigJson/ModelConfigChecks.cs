using System.Globalization;

namespace Lora
{
    /// <summary>
    /// A config.json is checked before anything is allocated from it: every size positive, heads that divide what they
    /// split, no tensor beyond any real model's, a finite positive epsilon and rope base. A hostile or mistyped file is
    /// an error naming the file and the key, not a division by zero or an allocation that takes the machine's memory;
    /// and since the generator reads through the same checks, it is a compile-time error, not one at training time.
    /// </summary>
    internal static class ModelConfigChecks
    {
        /// <summary>Elements of the largest tensor a config may ask for: 2³⁴ (a 405B model's embedding has 2.1·10⁹).</summary>
        public const long MaxTensorElements = 1L << 34;

        /// <summary>The config keys of each size, in the order <see cref="Sizes"/> checks them.</summary>
        public static readonly string[] Gpt2Keys = { "vocab_size", "n_embd", "n_layer", "n_head", "n_head", "n_embd / n_head", "n_inner", "n_positions" };

        /// <summary>The same for the Llama-style families.</summary>
        public static readonly string[] LlamaKeys =
        {
            "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "intermediate_size", "max_position_embeddings",
        };

        /// <summary>Checks the sizes, epsilon and rope base of <paramref name="c"/>.</summary>
        /// <param name="c">The values read.</param>
        /// <param name="keys">The keys of the sizes, as <see cref="Gpt2Keys"/>.</param>
        /// <param name="config">The file, for errors.</param>
        /// <returns><paramref name="c"/>.</returns>
        public static ModelConfigValues Sizes(ModelConfigValues c, string[] keys, ConfigObjectReader config)
        {
            int[] sizes = { c.VocabSize, c.HiddenSize, c.NumLayers, c.NumHeads, c.NumKeyValueHeads, c.HeadDim, c.IntermediateSize, c.MaxPositions };
            for (var i = 0; i < sizes.Length; i++)
            {
                if (sizes[i] <= 0)
                {
                    throw config.Error(keys[i] + " is " + Text(sizes[i]) + "; expected a positive size");
                }
            }

            var tensors = new[]
            {
                ((long)c.VocabSize * c.HiddenSize, "the embedding (" + keys[0] + " × " + keys[1] + ")"),
                ((long)c.HiddenSize * c.IntermediateSize, "an MLP projection (" + keys[1] + " × " + keys[6] + ")"),
                ((long)c.NumHeads * c.HeadDim * c.HiddenSize, "the attention projection (" + keys[3] + " × head size × " + keys[1] + ")"),
                ((long)c.NumLayers * c.HiddenSize, "the layers' norms (" + keys[2] + " × " + keys[1] + ")"),
            };
            foreach (var (elements, what) in tensors)
            {
                if (elements > MaxTensorElements)
                {
                    throw config.Error(what + " would hold " + elements.ToString("N0", CultureInfo.InvariantCulture) + " values, more than any model's tensor ("
                        + MaxTensorElements.ToString("N0", CultureInfo.InvariantCulture) + "); check the sizes");
                }
            }

            if (!IsFinite(c.NormEpsilon) || c.NormEpsilon <= 0)
            {
                throw config.Error("the norm epsilon is " + Text(c.NormEpsilon) + "; expected a small positive number");
            }

            if (!IsFinite(c.RopeTheta) || c.RopeTheta <= 0)
            {
                throw config.Error("rope_theta is " + Text(c.RopeTheta) + "; expected a positive number");
            }

            return c;
        }

        /// <summary>Whether <paramref name="parts"/> ({partsKey}) splits <paramref name="whole"/> ({wholeKey}) evenly.</summary>
        /// <param name="parts">The count of parts (heads).</param>
        /// <param name="partsKey">Its key.</param>
        /// <param name="whole">What they split.</param>
        /// <param name="wholeKey">Its key.</param>
        /// <param name="config">The file, for errors.</param>
        public static void Divides(int parts, string partsKey, int whole, string wholeKey, ConfigObjectReader config)
        {
            if (parts <= 0)
            {
                throw config.Error(partsKey + " is " + Text(parts) + "; expected a positive count");
            }

            if (whole % parts != 0)
            {
                throw config.Error(wholeKey + " " + Text(whole) + " is not a multiple of " + partsKey + " " + Text(parts) + "; each head needs an equal share");
            }
        }

        /// <summary>Whether a number is neither infinite nor NaN (netstandard2.0 lacks double.IsFinite).</summary>
        /// <param name="value">The number.</param>
        /// <returns>True when finite.</returns>
        public static bool IsFinite(double value) => !double.IsNaN(value) && !double.IsInfinity(value);

        /// <summary>A number as messages show it.</summary>
        /// <param name="value">The number.</param>
        /// <returns>Its invariant text.</returns>
        public static string Text(double value) => value.ToString(CultureInfo.InvariantCulture);

        /// <summary>An integer as messages show it.</summary>
        /// <param name="value">The integer.</param>
        /// <returns>Its invariant text.</returns>
        public static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
