using System.Collections.Generic;

namespace Lora
{
    /// <summary>The training settings that decide peak memory.</summary>
    /// <param name="Rank">LoRA rank.</param>
    /// <param name="Targets">Target module names (PEFT suffix rule, or <see cref="ModelFamilies.AllLinear"/>).</param>
    /// <param name="BatchSize">Rows per micro-batch.</param>
    /// <param name="SequenceLength">Tokens per row (the dataset's maximum length).</param>
    /// <param name="LinearBitsPerWeight">Storage bits per weight of the blocks' linear layers: 32, 16, or <see cref="MemoryEstimator.Nf4BitsPerWeight"/> for QLoRA.</param>
    /// <param name="OtherBytesPerWeight">Bytes per weight of everything else (embeddings, norms, output head): 4 or 2.</param>
    /// <param name="ActivationBytes">Bytes per activation element: 4 for float32 training, 2 for 16-bit.</param>
    /// <param name="OptimizerBytesPerParameter">Optimizer state per trainable weight: 8 for AdamW (two float32 moments), 2 for 8-bit AdamW.</param>
    /// <param name="GradientCheckpointing">Whether activations are recomputed in the backward pass (the LM-head loss then also works in small chunks).</param>
    /// <param name="RuntimeBytes">What the process holds besides tensors (runtime, libraries, caches), when known; 0 for accelerator memory.</param>
    /// <param name="AdapterDropout">LoRA dropout on the adapted modules' inputs: above 0, each keeps a dropped copy of its input and the mask for the backward pass.</param>
    /// <param name="ScoredTokens">Positions per micro-batch whose label enters the loss, where fewer than all (completion-only loss): the LM head runs on those only. Null: every position.</param>
    /// <param name="EmbeddingBitsPerWeight">Storage bits per weight of the embedding tables and an untied output head when they are 4-bit too (<see cref="MemoryEstimator.Nf4BitsPerWeight"/>); null when they take <paramref name="OtherBytesPerWeight"/>.</param>
    public sealed record MemoryEstimateRequest(
        int Rank,
        IReadOnlyList<string> Targets,
        int BatchSize,
        int SequenceLength,
        double LinearBitsPerWeight,
        int OtherBytesPerWeight,
        int ActivationBytes,
        int OptimizerBytesPerParameter,
        bool GradientCheckpointing,
        long RuntimeBytes = 0,
        double? EmbeddingBitsPerWeight = null,
        double AdapterDropout = 0,
        long? ScoredTokens = null);
}
