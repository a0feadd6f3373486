using Lora.Runtime.Models;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Pretraining;

/// <summary>Perplexity of a model on packed rows: each row is one context, every position after the first is predicted.</summary>
public static class HeldOutPerplexity
{
    /// <param name="model">The model, switched to eval mode.</param>
    /// <param name="rows">Held-out rows, each evaluated as one context.</param>
    /// <param name="maxRows">Evaluate at most this many rows from the start; 0 evaluates all.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    public static PerplexityResult Compute(CausalLanguageModel model, PackedRows rows, int maxRows = 0, int batchSize = 8)
    {
        int count = maxRows > 0 ? Math.Min(maxRows, rows.Count) : rows.Count;
        if (count == 0) throw new PretrainingException($"No held-out row of {rows.RowLength} tokens to evaluate; the held-out text is shorter than one row.");
        model.eval();
        using var _ = no_grad();
        double totalLoss = 0;
        long predicted = 0;
        for (int start = 0; start < count; start += batchSize)
        {
            using var scope = NewDisposeScope();
            int size = Math.Min(batchSize, count - start);
            var ids = tensor(rows.Ids.AsSpan(start * rows.RowLength, size * rows.RowLength).ToArray(), [size, rows.RowLength]);   // (B, T)
            var meanLoss = CausalLmLoss.Compute(model.Forward(ids), ids).item<float>();
            long positions = (long)size * (rows.RowLength - 1);
            totalLoss += meanLoss * positions;
            predicted += positions;
        }
        return new PerplexityResult(totalLoss / predicted, predicted);
    }
}
