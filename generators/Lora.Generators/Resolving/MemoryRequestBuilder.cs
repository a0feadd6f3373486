using System.Collections.Generic;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>
    /// Maps resolved settings to the memory estimator's request. Every position counts as scored: which ones carry a
    /// label is known only once the data is tokenized, so a completion-only loss is estimated at its upper bound.
    /// </summary>
    internal static class MemoryRequestBuilder
    {
        /// <summary>Builds the request for one configuration.</summary>
        /// <param name="settings">The configuration's settings.</param>
        /// <param name="targets">The resolved targets.</param>
        /// <returns>The request.</returns>
        public static MemoryEstimateRequest Build(ResolvedSettings settings, IReadOnlyList<string> targets)
        {
            const AttributeKind training = AttributeKind.Training;
            // As the runtime computes: a 4-bit base in its compute type (weights kept unquantized and activations alike),
            // otherwise in the training precision.
            var quantized = settings.Has(AttributeKind.Quantize);
            var computeBytes = Bytes(quantized ? settings.Get(AttributeKind.Quantize, "ComputeType").Text : settings.Get(training, "Precision").Text);
            var linearBits = computeBytes * 8.0;
            double? tableBits = null;
            if (quantized)
            {
                var type = settings.Get(AttributeKind.Quantize, "Type").Text;
                linearBits = type == "Int8" ? 8 : MemoryEstimator.Nf4BitsPerWeight(settings.Get(AttributeKind.Quantize, "DoubleQuant").AsBool);
                tableBits = settings.Get(AttributeKind.Quantize, "Embeddings").AsBool ? linearBits : null;
            }

            return new MemoryEstimateRequest(
                settings.Get(AttributeKind.LoraAdapter, "Rank").AsInt,
                targets,
                settings.Get(training, "BatchSize").AsInt,
                settings.Get(settings.DatasetKind, "MaxLength").AsInt,
                linearBits,
                computeBytes,
                computeBytes,
                MemoryEstimator.OptimizerBytesPerParameter(settings.Get(training, "Optimizer").Text == "AdamW8Bit"),
                settings.Get(training, "GradientCheckpointing").AsBool,
                EmbeddingBitsPerWeight: tableBits,
                AdapterDropout: settings.Get(AttributeKind.LoraAdapter, "Dropout").AsDouble);
        }

        // Auto is float32 on the CPU and bfloat16 on a recent GPU: the estimate counts the larger.
        private static int Bytes(string? computeType) => computeType is "Float16" or "BFloat16" ? 2 : 4;
    }
}
