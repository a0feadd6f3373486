using System;
using System.Collections.Generic;

namespace Lora
{
    /// <summary>
    /// Estimates peak accelerator memory of LoRA training from a model's sizes, without loading it. The model
    /// assumes fused attention (no T×T score matrix kept) and counts, per layer and token, the tensors a decoder
    /// block keeps for its backward pass; it is meant to tell 6 GB from 20 GB, not to be byte-exact.
    /// </summary>
    public static class MemoryEstimator
    {
        /// <summary>Storage bits per weight of NF4: 4 bits plus the block absmax (float32 per 64 weights, or with double quantization 8 bits per 64 plus float32 per 256 blocks).</summary>
        /// <param name="doubleQuant">Whether the absmax constants are quantized too.</param>
        /// <returns>4.5 without double quantization; about 4.127 with it.</returns>
        public static double Nf4BitsPerWeight(bool doubleQuant) =>
            doubleQuant ? 4 + (8.0 / 64) + (32.0 / (64 * 256)) : 4 + (32.0 / 64);

        /// <summary>Optimizer state per trainable weight: AdamW's two float32 moments, or two 8-bit codes with a float32 absmax per block of 256 (rounded down).</summary>
        /// <param name="eightBit">Whether the moments are kept as bitsandbytes' 8-bit optimizers keep them.</param>
        /// <returns>8, or 2 for 8-bit AdamW.</returns>
        public static int OptimizerBytesPerParameter(bool eightBit) => eightBit ? 2 : 8;

        /// <summary>Counts the base model's weights: embeddings, blocks (with biases and norms) and an untied output head.</summary>
        /// <param name="family">The model family.</param>
        /// <param name="dims">The model's sizes.</param>
        /// <returns>The number of weights, as in the model's safetensors file.</returns>
        public static long BaseParameters(ModelFamily family, ModelDimensions dims)
        {
            var (linear, biases) = SplitBaseParameters(family, dims);
            return linear + biases + OtherParameters(family, dims);
        }

        /// <summary>Counts the adapter's weights: r × (in + out) for each selected module.</summary>
        /// <param name="family">The model family.</param>
        /// <param name="dims">The model's sizes.</param>
        /// <param name="rank">LoRA rank.</param>
        /// <param name="targets">Target module names.</param>
        /// <returns>The number of trainable weights.</returns>
        public static long AdapterParameters(ModelFamily family, ModelDimensions dims, int rank, IReadOnlyList<string> targets)
        {
            long total = 0;
            foreach (var module in SelectedModules(family, targets))
            {
                var (input, output) = module.Widths(dims);
                total += (long)rank * (input + output) * (module.PerLayer ? dims.NumLayers : 1);
            }

            return total;
        }

        /// <summary>Estimates peak training memory.</summary>
        /// <param name="family">The model family.</param>
        /// <param name="dims">The model's sizes.</param>
        /// <param name="request">The training settings.</param>
        /// <returns>The estimate by component.</returns>
        public static MemoryEstimate Estimate(ModelFamily family, ModelDimensions dims, MemoryEstimateRequest request)
        {
            var (linear, linearBiases) = SplitBaseParameters(family, dims);
            var other = OtherParameters(family, dims) + linearBiases;
            var tables = TableParameters(family, dims);
            var tableBits = request.EmbeddingBitsPerWeight ?? (8.0 * request.OtherBytesPerWeight);
            var weightBytes = (long)(linear * request.LinearBitsPerWeight / 8) + ((other - tables) * request.OtherBytesPerWeight) + (long)(tables * tableBits / 8);

            var trainable = AdapterParameters(family, dims, request.Rank, request.Targets);
            var adapterBytes = trainable * (4 + 4);
            var optimizerBytes = trainable * request.OptimizerBytesPerParameter;

            var tokens = (long)request.BatchSize * request.SequenceLength;
            var perLayer = ActivationElementsPerToken(family, dims) + DropoutElementsPerToken(family, dims, request);
            var keptPerToken = request.GradientCheckpointing
                ? ((long)dims.HiddenSize * dims.NumLayers) + perLayer
                : perLayer * dims.NumLayers;
            // One layer's activation gradients are in flight during the backward pass on top of what is kept.
            var backwardBytes = tokens * perLayer * request.ActivationBytes;
            var scored = request.ScoredTokens is { } labelled ? Math.Min(labelled, tokens) : tokens;
            var logitsBytes = LogitsBytes(scored, dims.VocabSize, lean: request.GradientCheckpointing);
            var activationBytes = (tokens * keptPerToken * request.ActivationBytes) + backwardBytes + logitsBytes;

            return new MemoryEstimate(linear + other, trainable, weightBytes, adapterBytes, optimizerBytes, activationBytes, request.RuntimeBytes);
        }

        /// <summary>Float32 logits up to this size are kept from forward to backward by the runtime's fused LM-head loss.</summary>
        public const long LogitsKeepBudgetBytes = 256L << 20;

        /// <summary>
        /// Float32 logits materialised at once by the fused loss in memory-lean runs (gradient checkpointing on): 4 MiB
        /// (32 rows of a 32k vocabulary) left QLoRA's throughput unchanged and took ~10 MiB off its peak against 16 MiB.
        /// </summary>
        public const long LeanLogitsChunkBytes = 4L << 20;

        /// <summary>Rows of logits per chunk when the fused loss recomputes them and the run is not memory-lean.</summary>
        public const int LogitsChunkRows = 1024;

        /// <summary>
        /// Float32 logits alive at the loss's peak, as the runtime's fused LM-head loss holds them: below the keep
        /// budget the probabilities plus one temporary of the same size; otherwise a chunk of rows and two
        /// temporaries; memory-lean runs use small chunks.
        /// </summary>
        private static long LogitsBytes(long tokens, int vocab, bool lean)
        {
            long row = vocab * 4L;
            if (lean)
            {
                return 3 * Math.Min(tokens, Math.Max(1, LeanLogitsChunkBytes / row)) * row;
            }

            return tokens * row <= LogitsKeepBudgetBytes ? 2 * tokens * row : 3 * Math.Min(tokens, LogitsChunkRows) * row;
        }

        private static (long Linear, long Biases) SplitBaseParameters(ModelFamily family, ModelDimensions dims)
        {
            long linear = 0;
            long biases = 0;
            foreach (var module in family.Modules)
            {
                if (!module.PerLayer)
                {
                    continue;
                }

                var (input, output) = module.Widths(dims);
                linear += (long)input * output * dims.NumLayers;
                biases += module.HasBias ? (long)output * dims.NumLayers : 0;
            }

            return (linear, biases);
        }

        private static long OtherParameters(ModelFamily family, ModelDimensions dims)
        {
            var perNorm = family.NormHasBias ? 2L * dims.HiddenSize : dims.HiddenSize;
            var norms = perNorm * (((long)family.NormsPerLayer * dims.NumLayers) + 1);
            var headNorms = family.QkNorm ? 2L * dims.HeadDim * dims.NumLayers : 0;
            return TableParameters(family, dims) + norms + headNorms;
        }

        /// <summary>The embedding tables (tokens, learned positions) and an untied output head: what 4-bit embeddings quantize.</summary>
        private static long TableParameters(ModelFamily family, ModelDimensions dims)
        {
            long embedding = (long)dims.VocabSize * dims.HiddenSize;
            var head = dims.TiedEmbeddings ? 0 : embedding;
            var positions = family.LearnedPositions ? (long)dims.MaxPositions * dims.HiddenSize : 0;
            return embedding + head + positions;
        }

        private static long ActivationElementsPerToken(ModelFamily family, ModelDimensions dims)
        {
            // Kept for backward, per token: block input and two norm outputs and residual (4h), q/k/v and the
            // attention output (2·q + 2·kv), the MLP input copy (h) and its hidden tensors: gate, up, act, product
            // for a gated MLP (4i) or fc output and activation (2i).
            var mlp = (family.GatedMlp ? 4L : 2L) * dims.IntermediateSize;
            return (5L * dims.HiddenSize) + (2L * dims.QueryWidth) + (2L * dims.KeyValueWidth) + mlp;
        }

        /// <summary>
        /// What LoRA dropout keeps per token and layer: each adapted module drops its input on its own, and the backward
        /// pass reads the dropped copy (A's gradient) and the scaled mask (dropout's own), both as wide as the input.
        /// Without dropout A reads the input the base projection keeps already.
        /// </summary>
        private static long DropoutElementsPerToken(ModelFamily family, ModelDimensions dims, MemoryEstimateRequest request)
        {
            if (request.AdapterDropout <= 0)
            {
                return 0;
            }

            long inputs = 0;
            foreach (var module in SelectedModules(family, request.Targets))
            {
                inputs += module.PerLayer ? module.Widths(dims).In : 0;
            }

            return 2 * inputs;
        }

        private static IEnumerable<LinearModule> SelectedModules(ModelFamily family, IReadOnlyList<string> targets)
        {
            var seen = new HashSet<string>();
            foreach (var target in targets)
            {
                foreach (var module in family.Select(target))
                {
                    if (seen.Add(module.QualifiedName))
                    {
                        yield return module;
                    }
                }
            }
        }
    }
}
