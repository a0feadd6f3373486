using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Data;

/// <summary>
/// Stacks examples into a right-padded micro-batch; padding carries no loss and is masked out. Where some positions
/// carry no label (a prompt, padding), the batch lists the ones that do, for the loss to skip the LM head elsewhere:
/// the head is most of a small model's compute (a 50k vocabulary over a 256-wide body) and a completion is often a few
/// tokens of a row.
/// </summary>
public static class BatchCollator
{
    public static TrainingBatch Collate(IReadOnlyList<TokenizedExample> examples, int padId, Device? device = null)
    {
        int length = examples.Max(e => e.InputIds.Length);
        var ids = new long[examples.Count, length];
        var labels = new long[examples.Count, length];
        var mask = new long[examples.Count, length];
        bool padded = false;
        for (int r = 0; r < examples.Count; r++)
            for (int t = 0; t < length; t++)
            {
                bool real = t < examples[r].InputIds.Length;
                padded |= !real;
                ids[r, t] = real ? examples[r].InputIds[t] : padId;
                labels[r, t] = real ? examples[r].Labels[t] : ExampleBuilder.Ignore;
                mask[r, t] = real ? 1 : 0;
            }
        device ??= CPU;
        var scored = ScoredPositions(labels);
        // Without padding the mask is left out so attention can take its causal fast path.
        return new TrainingBatch(tensor(ids, device: device), tensor(labels, device: device), padded ? tensor(mask, device: device) : null,
            scored is null ? null : tensor(scored, device: device));
    }

    /// <summary>
    /// Indices into the shifted labels flattened to (B·(T−1)) — position t of row r predicts label t + 1 and sits at
    /// r·(T−1) + t — of those that are not ignored; null when all of them carry a label.
    /// </summary>
    static long[]? ScoredPositions(long[,] labels)
    {
        int rows = labels.GetLength(0), length = labels.GetLength(1);
        var scored = new List<long>();
        for (int r = 0; r < rows; r++)
            for (int t = 1; t < length; t++)
                if (labels[r, t] != ExampleBuilder.Ignore) scored.Add((long)r * (length - 1) + t - 1);
        return scored.Count == (long)rows * Math.Max(0, length - 1) ? null : scored.ToArray();
    }
}
