using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Data;

/// <summary>Stacks examples into a right-padded micro-batch; padding carries no loss and is masked out.</summary>
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
        // Without padding the mask is left out so attention can take its causal fast path.
        return new TrainingBatch(tensor(ids, device: device), tensor(labels, device: device), padded ? tensor(mask, device: device) : null);
    }
}
