using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Generation;

/// <summary>Autoregressive generation with a KV cache, greedy or sampled, batched with left padding.</summary>
public static class TextGenerator
{
    /// <summary>
    /// inputIds (B, T), left-padded when rows differ in length, with <paramref name="attentionMask"/> (B, T)
    /// marking real tokens. Returns (B, T + generated): the prompt followed by new tokens; rows that hit
    /// EOS are filled with the pad id until all rows are done or <see cref="SamplingOptions.MaxNewTokens"/>.
    /// </summary>
    public static Tensor Generate(CausalLanguageModel model, Tensor inputIds, Tensor? attentionMask, SamplingOptions options)
    {
        options.Validate();
        using var outer = NewDisposeScope();
        using var noGrad = no_grad();
        var device = model.Device;
        var ids = inputIds.to(device);
        long batch = ids.shape[0];
        var mask = (attentionMask ?? ones_like(ids)).to(device).to_type(ScalarType.Int64);
        var eos = (options.EosTokenIds ?? model.Config.EosTokenIds).ToArray();
        long pad = options.PadTokenId ?? model.Config.PadTokenId ?? (eos.Length > 0 ? eos[0] : 0);
        var eosTensor = eos.Length > 0 ? tensor(eos.Select(e => (long)e).ToArray(), device: device) : null;
        Generator? generator = options.Seed is { } seed ? new Generator((ulong)seed, device) : null;

        // transformers' position ids under left padding: count of real tokens so far, pads at 1.
        var positions = mask.cumsum(-1) - 1;
        positions = positions.masked_fill(mask.eq(0), 1);
        using var cache = new KvCache(model.NumLayers);
        var finished = zeros(batch, ScalarType.Bool, device: device);
        var generated = new List<Tensor>();
        var step = ids;
        var stepPositions = positions;
        for (int i = 0; i < options.MaxNewTokens; i++)
        {
            using var scope = NewDisposeScope();
            var logits = model.Forward(step, mask, stepPositions, cache);                   // (B, t, V)
            var next = TokenSampler.Next(logits.select(1, -1), options, generator);         // (B)
            next = next.masked_fill(finished, pad);
            if (eosTensor is not null) finished = finished.logical_or(isin(next, eosTensor));
            generated.Add(next.unsqueeze(1).MoveToOuterDisposeScope());
            finished = finished.MoveToOuterDisposeScope();
            mask = cat([mask, ones(batch, 1, ScalarType.Int64, device: device)], 1).MoveToOuterDisposeScope();
            stepPositions = (stepPositions.select(1, -1).unsqueeze(1) + 1).MoveToOuterDisposeScope();
            step = generated[^1];
            if (finished.all().item<bool>()) break;   // one host sync per token: generation, not training
        }
        return cat([ids, .. generated], 1).MoveToOuterDisposeScope();
    }
}
