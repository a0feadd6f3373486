using Lora.Runtime.Models;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Tools.Pretraining;

/// <summary>Perplexity of a model on packed rows: each row is one context, every position after the first is predicted.</summary>
public static class HeldOutPerplexity
{
    /// <param name="model">The model, switched to eval mode.</param>
    /// <param name="rows">Held-out rows, each evaluated as one context.</param>
    /// <param name="maxRows">Evaluate at most this many rows, evenly spaced over all of them so every part of the held-out text counts; 0 evaluates all.</param>
    /// <param name="batchSize">Rows per forward pass.</param>
    public static PerplexityResult Compute(CausalLanguageModel model, PackedRows rows, int maxRows = 0, int batchSize = 8)
    {
        var selected = SpreadRows(rows.Count, maxRows);
        if (selected.Length == 0) throw new PretrainingException($"No held-out row of {rows.RowLength} tokens to evaluate; the held-out text is shorter than one row.");
        model.eval();
        using var _ = no_grad();
        double totalLoss = 0;
        long predicted = 0;
        foreach (var chunk in selected.Chunk(batchSize))
        {
            using var scope = NewDisposeScope();
            var ids = new long[chunk.Length * rows.RowLength];
            for (int i = 0; i < chunk.Length; i++) rows.Row(chunk[i]).CopyTo(ids.AsSpan(i * rows.RowLength));
            var batch = tensor(ids, [chunk.Length, rows.RowLength]);    // (B, T)
            var meanLoss = CausalLmLoss.Compute(model.Forward(batch), batch).item<float>();
            long positions = (long)chunk.Length * (rows.RowLength - 1);
            totalLoss += meanLoss * positions;
            predicted += positions;
        }
        return new PerplexityResult(totalLoss / predicted, predicted);
    }

    /// <summary>Row indices i·count/maxRows for i in 0..maxRows-1 (all rows when maxRows is 0 or not smaller than count).</summary>
    public static int[] SpreadRows(int count, int maxRows) =>
        maxRows <= 0 || maxRows >= count
            ? Enumerable.Range(0, count).ToArray()
            : Enumerable.Range(0, maxRows).Select(i => (int)((long)i * count / maxRows)).ToArray();
}
