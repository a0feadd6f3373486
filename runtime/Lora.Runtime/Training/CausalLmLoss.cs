using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>transformers' causal-LM loss: position t predicts label t + 1; labels of -100 carry no loss.</summary>
public static class CausalLmLoss
{
    public const long IgnoreIndex = -100;

    /// <summary>logits (B, T, V), labels (B, T) → mean cross-entropy over the positions that carry a label (scalar, float32).</summary>
    public static Tensor Compute(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        long vocab = logits.shape[^1];
        var shiftedLogits = logits.narrow(1, 0, logits.shape[1] - 1);    // (B, T-1, V)
        var shiftedLabels = labels.narrow(1, 1, labels.shape[1] - 1);    // (B, T-1)
        return FromLogits(shiftedLogits.reshape(-1, vocab), shiftedLabels.reshape(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>logits (N, V) already aligned with their labels (N) → mean cross-entropy over the labelled rows (scalar, float32).</summary>
    public static Tensor FromLogits(Tensor logits, Tensor labels) =>
        nn.functional.cross_entropy(logits.to_type(ScalarType.Float32), labels, ignore_index: IgnoreIndex);
}
