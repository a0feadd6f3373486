using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>
/// Keys and values of every decoder layer from earlier forward calls, so that generation feeds only
/// the new token. Per layer: (B, n_kv_heads, T_kept, head_dim), stored before GQA expansion.
/// </summary>
/// <remarks>
/// A cache made <see cref="For"/> a model whose layers attend through a sliding window keeps, in those layers, only the last
/// window − 1 positions: every later query (at the cached length or beyond) sees keys within window − 1 positions before
/// it, so older ones can never be attended to again. A long generation then holds window − 1 positions per sliding layer
/// instead of the whole sequence. <see cref="SlidingOffset"/> says how many leading positions those layers dropped.
/// </remarks>
public sealed class KvCache : IDisposable
{
    readonly Tensor?[] _keys, _values;
    readonly long[] _seen;
    readonly bool[] _sliding;
    readonly int? _window;

    /// <summary>A cache that keeps every position of every layer.</summary>
    public KvCache(int layers) : this(layers, [], null) { }

    KvCache(int layers, IReadOnlyList<bool> sliding, int? window)
    {
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
        _seen = new long[layers];
        _sliding = Enumerable.Range(0, layers).Select(i => window is not null && i < sliding.Count && sliding[i]).ToArray();
        _window = window;
    }

    /// <summary>A cache for <paramref name="config"/>'s layers: its sliding-window layers keep only the positions still visible.</summary>
    public static KvCache For(ModelConfig config) => new(config.NumLayers, config.SlidingLayers, config.SlidingWindow);

    /// <summary>Tokens already fed (the same for every layer, whatever a sliding layer dropped).</summary>
    public long Length => _seen[0];

    /// <summary>
    /// The position of the first key the sliding-window layers keep (0 when none slides or nothing was dropped): their
    /// keys cover positions <see cref="SlidingOffset"/> … <see cref="Length"/> − 1.
    /// </summary>
    public long SlidingOffset => _window is int w ? Math.Max(0, Length - (w - 1)) : 0;

    /// <summary>Positions a layer holds (at most window − 1 for a sliding layer of a cache made <see cref="For"/> a model).</summary>
    public long Stored(int layer) => _keys[layer] is { } k ? k.shape[2] : 0;

    /// <summary>
    /// Appends this step's k, v (B, n_kv, T, hd) and returns what this step attends to: (B, n_kv, T_kept + T, hd), whose
    /// first key is at position 0, or at <see cref="SlidingOffset"/> (read before the call) in a sliding layer.
    /// </summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        var keys = _keys[layer] is { } pk ? cat([pk, k], 2) : k.alias();
        var values = _values[layer] is { } pv ? cat([pv, v], 2) : v.alias();
        _keys[layer]?.Dispose();
        _values[layer]?.Dispose();
        _seen[layer] += k.shape[2];
        // The cache outlives the forward's dispose scope; it owns these until replaced or disposed. What a sliding layer keeps
        // is copied, so that the dropped positions' memory goes with this step's full tensors.
        long total = keys.shape[2], keep = _sliding[layer] ? Math.Min(total, _window!.Value - 1) : total;
        _keys[layer] = (keep < total ? keys.narrow(2, total - keep, keep).clone() : keys.alias()).DetachFromDisposeScope();
        _values[layer] = (keep < total ? values.narrow(2, total - keep, keep).clone() : values.alias()).DetachFromDisposeScope();
        return (keys, values);
    }

    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values)) t?.Dispose();
        Array.Clear(_keys);
        Array.Clear(_values);
    }
}
