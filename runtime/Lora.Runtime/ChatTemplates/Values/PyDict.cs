using System;
using System.Collections.Generic;

namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>
/// A Python dict: insertion-ordered (json.loads and dict literals keep key order, and printing/tojson show it), keys
/// compared with Python equality (1 == 1.0 == True).
/// </summary>
internal sealed class PyDict : OrderedDictionary<object, object?>
{
    public PyDict() : base(PyKeyComparer.Instance)
    {
    }

    /// <summary>None cannot be a .NET dictionary key; it is stored as this marker.</summary>
    public static readonly object NoneKey = new();

    public static object ToKey(object? key) => key ?? NoneKey;

    /// <summary>A key for insertion or <c>in</c>: Python refuses unhashable ones (lists, dicts).</summary>
    public static object ToHashableKey(object? key) => key is List<object?> or PyDict
        ? throw new ChatTemplateRenderException($"unhashable type: '{PyFormat.TypeName(key)}'")
        : ToKey(key);

    public static object? FromKey(object key) => ReferenceEquals(key, NoneKey) ? null : key;
}

/// <summary>Python's == and hash for dictionary keys.</summary>
internal sealed class PyKeyComparer : IEqualityComparer<object>
{
    public static readonly PyKeyComparer Instance = new();

    public new bool Equals(object? x, object? y) => PyOps.AreEqual(PyDict.FromKey(x!), PyDict.FromKey(y!));

    public int GetHashCode(object obj) => obj switch
    {
        bool b => b ? 1 : 0,
        long l => l.GetHashCode(),
        double d when d == Math.Floor(d) && Math.Abs(d) < 9e18 => ((long)d).GetHashCode(),
        PyTuple t => t.Items.Length,
        _ => obj.GetHashCode(),
    };
}
