using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>
/// One micro-batch: ids (B, T), labels (B, T) with -100 where no loss is taken, optional mask (B, T), and optionally
/// <paramref name="ScoredPositions"/> (K): the positions of the shifted, flattened labels (B·(T−1)) that carry a label, so
/// that the LM head runs on those K rows only (null: every position is scored). Made on the host with the batch, so
/// selecting them needs no device sync.
/// </summary>
public sealed record TrainingBatch(Tensor InputIds, Tensor Labels, Tensor? AttentionMask = null, Tensor? ScoredPositions = null)
{
    /// <summary>Labels equal to the ids: every next token carries loss.</summary>
    public static TrainingBatch LanguageModeling(Tensor ids) => new(ids, ids);
}
