using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Generation;

/// <summary>
/// One generation in progress, one token per <see cref="Step"/>: the KV cache, every row's attention mask and next
/// position, the rows that have finished, the sampler's generator. The one decoding loop behind both
/// <see cref="TextGenerator.Generate"/> (a batch, all ids at the end) and <see cref="TextGenerator.Stream"/> (one
/// sequence, each id as it is sampled).
/// </summary>
/// <remarks>
/// A step leaves nothing in thread-local state (no dispose scope or no-grad section outlives it), so successive steps may
/// run on different threads, as an async caller's do; the session owns its tensors and frees them in <see cref="Dispose"/>.
/// Not thread-safe: one step at a time.
/// </remarks>
public sealed class DecodingSession : IDisposable
{
    readonly CausalLanguageModel _model;
    readonly SamplingOptions _options;
    readonly KvCache _cache;
    readonly Generator? _generator;
    readonly Tensor? _eos;
    readonly long _pad;
    Tensor _input, _mask, _positions, _finished;

    /// <param name="model">The model, with the adapter it should generate with already active.</param>
    /// <param name="inputIds">(B, T) prompt ids, left-padded when rows differ in length.</param>
    /// <param name="attentionMask">(B, T): 1 for real tokens, 0 for padding; null when no row is padded.</param>
    /// <param name="options">How tokens are chosen and which ids end a row; <see cref="SamplingOptions.MaxNewTokens"/> is the
    /// caller's to count.</param>
    public DecodingSession(CausalLanguageModel model, Tensor inputIds, Tensor? attentionMask, SamplingOptions options)
    {
        options.Validate();
        _model = model;
        _options = options;
        using var scope = NewDisposeScope();
        var device = model.Device;
        var ids = inputIds.to(device).alias();
        Batch = ids.shape[0];
        var mask = (attentionMask ?? ones_like(ids)).to(device).to_type(ScalarType.Int64);
        var eos = (options.EosTokenIds ?? model.Config.EosTokenIds).ToArray();
        _pad = options.PadTokenId ?? model.Config.PadTokenId ?? (eos.Length > 0 ? eos[0] : 0);
        _eos = eos.Length > 0 ? tensor(eos.Select(e => (long)e).ToArray(), device: device).DetachFromDisposeScope() : null;
        _generator = options.Seed is { } seed ? new Generator((ulong)seed, device) : null;

        // transformers' position ids under left padding: count of real tokens so far, pads at 1.
        var positions = mask.cumsum(-1) - 1;
        positions = positions.masked_fill(mask.eq(0), 1);
        _input = ids.DetachFromDisposeScope();
        _mask = mask.alias().DetachFromDisposeScope();
        _positions = positions.DetachFromDisposeScope();
        _finished = zeros(Batch, ScalarType.Bool, device: device).DetachFromDisposeScope();
        _cache = KvCache.For(model.Config);
    }

    /// <summary>Rows generated for.</summary>
    public long Batch { get; }

    /// <summary>Tokens generated so far per row (finished rows count the pad ids written after their end).</summary>
    public int Steps { get; private set; }

    /// <summary>
    /// Feeds what is new since the last step (the prompt at first, then the last sampled ids) through the model and samples
    /// the next token of every row: (B) ids, the pad id for rows that had finished. The caller owns the returned tensor.
    /// </summary>
    public Tensor Step()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        // The head on the last position only: a prompt's other logits would be (B, t, V) for nothing.
        var hidden = _model.Hidden(_input, _mask, _positions, _cache, out _);               // (B, t, H)
        var logits = _model.LogitsFrom(hidden.select(1, -1));                               // (B, V)
        var next = TokenSampler.Next(logits, _options, _generator);                         // (B)
        next = next.masked_fill(_finished, _pad);
        if (_eos is not null) Replace(ref _finished, _finished.logical_or(isin(next, _eos)));
        Replace(ref _mask, cat([_mask, ones(Batch, 1, ScalarType.Int64, device: _mask.device)], 1));
        Replace(ref _positions, _positions.select(1, -1).unsqueeze(1) + 1);
        Replace(ref _input, next.unsqueeze(1));
        Steps++;
        return next.MoveToOuterDisposeScope();
    }

    /// <summary>Whether every row has produced an end id (one host sync).</summary>
    public bool AllFinished => _finished.all().item<bool>();

    static void Replace(ref Tensor field, Tensor value)
    {
        var old = field;
        field = value.DetachFromDisposeScope();
        old.Dispose();
    }

    public void Dispose()
    {
        _cache.Dispose();
        _input.Dispose();
        _mask.Dispose();
        _positions.Dispose();
        _finished.Dispose();
        _eos?.Dispose();
        _generator?.Dispose();
    }
}
