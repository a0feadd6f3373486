namespace Lora.Runtime.Export.Gguf;

/// <summary>One typed metadata value: a scalar, a string, or an array of one element type.</summary>
/// <param name="Type">The value's tag.</param>
/// <param name="Value">The scalar (uint, int, float, bool, ulong, double) or string; for an array, the items.</param>
/// <param name="ElementType">An array's element type (<see cref="GgufValueType.Array"/> only).</param>
public sealed record GgufValue(GgufValueType Type, object Value, GgufValueType ElementType = GgufValueType.UInt8)
{
    public static GgufValue UInt32(uint v) => new(GgufValueType.UInt32, v);
    public static GgufValue Int32(int v) => new(GgufValueType.Int32, v);
    public static GgufValue Float32(float v) => new(GgufValueType.Float32, v);
    public static GgufValue Bool(bool v) => new(GgufValueType.Bool, v);
    public static GgufValue String(string v) => new(GgufValueType.String, v);
    public static GgufValue Strings(IReadOnlyList<string> v) => new(GgufValueType.Array, v, GgufValueType.String);
    public static GgufValue Int32s(IReadOnlyList<int> v) => new(GgufValueType.Array, v, GgufValueType.Int32);
    public static GgufValue Float32s(IReadOnlyList<float> v) => new(GgufValueType.Array, v, GgufValueType.Float32);
}

/// <summary>A GGUF file's key/value section in the order it is written; a key is set once.</summary>
public sealed class GgufMetadata
{
    readonly List<KeyValuePair<string, GgufValue>> _entries = [];
    readonly HashSet<string> _keys = new(StringComparer.Ordinal);

    public IReadOnlyList<KeyValuePair<string, GgufValue>> Entries => _entries;

    public GgufMetadata Add(string key, GgufValue value)
    {
        if (!_keys.Add(key)) throw new InvalidOperationException($"GGUF metadata key '{key}' is set twice.");
        _entries.Add(new(key, value));
        return this;
    }

    public GgufMetadata Add(string key, uint value) => Add(key, GgufValue.UInt32(value));
    public GgufMetadata Add(string key, float value) => Add(key, GgufValue.Float32(value));
    public GgufMetadata Add(string key, bool value) => Add(key, GgufValue.Bool(value));
    public GgufMetadata Add(string key, string value) => Add(key, GgufValue.String(value));

    public bool Contains(string key) => _keys.Contains(key);
}
