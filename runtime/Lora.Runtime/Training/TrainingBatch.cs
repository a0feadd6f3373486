using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>One micro-batch: ids (B, T), labels (B, T) with -100 where no loss is taken, optional mask (B, T).</summary>
public sealed record TrainingBatch(Tensor InputIds, Tensor Labels, Tensor? AttentionMask = null)
{
    /// <summary>Labels equal to the ids: every next token carries loss.</summary>
    public static TrainingBatch LanguageModeling(Tensor ids) => new(ids, ids);
}
