namespace Lora.Runtime.Data;

/// <summary>A deterministic train/eval split: the same seed and rows give the same split on every machine.</summary>
public static class DatasetSplit
{
    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Eval) Split<T>(IReadOnlyList<T> rows, double evalFraction, bool shuffle, int seed)
    {
        var order = Enumerable.Range(0, rows.Count).ToArray();
        // System.Random with a seed uses a fixed, documented-stable algorithm across platforms.
        if (shuffle) new Random(seed).Shuffle(order);
        int evalCount = evalFraction <= 0 ? 0 : Math.Max(1, (int)Math.Round(rows.Count * evalFraction));
        if (evalCount >= rows.Count && rows.Count > 0)
            throw new DatasetException($"EvalFraction {evalFraction} leaves no training rows out of {rows.Count}.");
        var eval = order.Take(evalCount).Order().Select(i => rows[i]).ToList();
        var train = order.Skip(evalCount).Select(i => rows[i]).ToList();
        return (train, eval);
    }
}
