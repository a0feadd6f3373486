using Lora.Runtime.Models;
using Lora.Runtime.Quantization;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>
/// The compile-time memory estimator (<see cref="Lora.MemoryEstimator"/>) applied to a loaded model's config and a
/// run's settings, plus what the process holds besides tensors, so that the prediction can stand beside the
/// measured peak resident memory of a CPU run.
/// </summary>
public static class MemoryPrediction
{
    /// <summary>
    /// Resident memory the first training step adds beyond its tensors: libtorch kernels' code pages, thread
    /// buffers and the .NET heap. Measured on x64 Linux with libtorch 2.10 (CPU) as the growth of resident memory
    /// over the first step, minus the adapter's gradients and optimizer state.
    /// </summary>
    public const long FirstStepOverheadBytes = 48L << 20;

    /// <param name="config">The base model's config.</param>
    /// <param name="rank">LoRA rank.</param>
    /// <param name="targets">Target modules as the user wrote them (suffixes or all-linear).</param>
    /// <param name="batch">Rows per micro-batch.</param>
    /// <param name="length">Tokens per row.</param>
    /// <param name="compute">The compute dtype (of activations and of unquantized weights).</param>
    /// <param name="quantization">The 4-bit base, or null.</param>
    /// <param name="optimizerBytesPerParameter">8 for AdamW, 2 for 8-bit AdamW.</param>
    /// <param name="checkpointing">Gradient checkpointing (and the loss's small chunks).</param>
    /// <param name="baselineBytes">Resident memory of the process before the model existed; 0 to predict tensors only.</param>
    /// <param name="dropout">LoRA dropout.</param>
    /// <param name="scoredTokens">The most positions of a micro-batch that carry a label, when the loss skips some; null for every position.</param>
    public static Lora.MemoryEstimate Estimate(ModelConfig config, int rank, IReadOnlyList<string> targets, int batch, int length,
        ScalarType compute, QuantizationOptions? quantization, int optimizerBytesPerParameter, bool checkpointing, long baselineBytes,
        double dropout, long? scoredTokens = null)
    {
        var family = Lora.ModelFamilies.Find(config.ModelType)
            ?? throw new ArgumentException($"The memory estimator has no family for model_type '{config.ModelType}'.", nameof(config));
        int bytes = compute == ScalarType.Float32 ? 4 : 2;
        double linearBits = quantization is null ? 8 * bytes : Lora.MemoryEstimator.Nf4BitsPerWeight(quantization.DoubleQuant);
        long runtime = baselineBytes > 0 ? baselineBytes + FirstStepOverheadBytes : 0;
        double? tableBits = quantization is { Embeddings: true } ? linearBits : null;
        var request = new Lora.MemoryEstimateRequest(rank, targets, batch, length, linearBits, bytes, bytes,
            optimizerBytesPerParameter, checkpointing, runtime, tableBits, dropout, scoredTokens);
        return Lora.MemoryEstimator.Estimate(family, config.Dimensions, request);
    }
}
