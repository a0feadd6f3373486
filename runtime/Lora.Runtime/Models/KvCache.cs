using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>
/// Keys and values of every decoder layer from earlier forward calls, so that generation feeds only
/// the new token. Per layer: (B, n_kv_heads, T_past, head_dim), stored before GQA expansion.
/// </summary>
public sealed class KvCache : IDisposable
{
    readonly Tensor?[] _keys, _values;

    public KvCache(int layers)
    {
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
    }

    /// <summary>Tokens already cached (the same for every layer).</summary>
    public long Length => _keys[0] is { } k ? k.shape[2] : 0;

    /// <summary>Appends this step's k, v (B, n_kv, T, hd) and returns the full (B, n_kv, T_past + T, hd).</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor k, Tensor v)
    {
        var keys = _keys[layer] is { } pk ? cat([pk, k], 2) : k.alias();
        var values = _values[layer] is { } pv ? cat([pv, v], 2) : v.alias();
        _keys[layer]?.Dispose();
        _values[layer]?.Dispose();
        // The cache outlives the forward's dispose scope; it owns these until replaced or disposed.
        _keys[layer] = keys.alias().DetachFromDisposeScope();
        _values[layer] = values.alias().DetachFromDisposeScope();
        return (keys, values);
    }

    public void Dispose()
    {
        foreach (var t in _keys.Concat(_values)) t?.Dispose();
        Array.Clear(_keys);
        Array.Clear(_values);
    }
}
