using static TorchSharp.torch;

namespace Lora.Runtime.Generation;

/// <summary>Chooses the next token from last-position logits, as transformers' logits warpers do.</summary>
public static class TokenSampler
{
    /// <summary>logits (B, V) → ids (B).</summary>
    public static Tensor Next(Tensor logits, SamplingOptions options, Generator? generator)
    {
        if (!options.DoSample) return logits.argmax(-1);
        var scores = logits.to_type(ScalarType.Float32) / options.Temperature;
        if (options.TopK > 0 && options.TopK < scores.shape[^1])
        {
            var kth = scores.topk(options.TopK, dim: -1).values.narrow(-1, options.TopK - 1, 1);  // (B, 1)
            scores = scores.masked_fill(scores.lt(kth), double.NegativeInfinity);
        }
        if (options.TopP < 1.0)
        {
            // Ascending sort; drop the low tail whose total mass is at most 1 - p, always keeping the top token.
            var (sorted, order) = scores.sort(dim: -1, descending: false);
            var cumulative = sorted.softmax(-1).cumsum(-1);
            var drop = cumulative.le(1 - options.TopP);
            drop[TensorIndex.Ellipsis, -1] = tensor(false);
            scores = scores.masked_fill(drop.scatter(-1, order, drop), double.NegativeInfinity);
        }
        return scores.softmax(-1).multinomial(1, generator: generator).squeeze(-1);
    }
}
