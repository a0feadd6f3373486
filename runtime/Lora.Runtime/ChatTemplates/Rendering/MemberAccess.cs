using System;
using System.Collections.Generic;
using System.Linq;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>
/// <c>x.name</c> and <c>x[key]</c> as the sandbox resolves them: attribute first for <c>.</c> (so <c>d.items</c> is the
/// method even when the dict has an "items" key), item first for <c>[]</c>, and an <see cref="Undefined"/> when
/// neither exists.
/// </summary>
internal static class MemberAccess
{
    public static object? GetAttribute(object? owner, string name)
    {
        switch (owner)
        {
            case Undefined undefined:
                throw undefined.Fail();
            case string s:
                return StringMethods.PythonAttributes.Contains(name)
                    ? new NativeFunction(name, (args, _) => StringMethods.Call(s, name, args))
                    : Undefined.Attribute(owner, name);
            case PyDict dict:
                if (CollectionMethods.DictAttributes.Contains(name))
                    return new NativeFunction(name, (args, _) => CollectionMethods.CallDict(dict, name, args));
                return dict.TryGetValue(name, out var value) ? value : Undefined.Attribute(owner, name);
            case List<object?> list:
                return CollectionMethods.ListAttributes.Contains(name)
                    ? new NativeFunction(name, (args, _) => CollectionMethods.CallList(list, name, args))
                    : Undefined.Attribute(owner, name);
            case PyTuple tuple:
                return name is "count" or "index"
                    ? new NativeFunction(name, (args, _) => CollectionMethods.CallList(tuple.Items, name, args))
                    : Undefined.Attribute(owner, name);
            case Namespace ns:
                return ns.Attributes.TryGetValue(name, out var attribute) ? attribute : Undefined.Attribute(owner, name);
            case LoopContext loop:
                return loop.Attribute(name);
            case PyRange range:
                return name switch
                {
                    "start" => range.Start,
                    "stop" => range.Stop,
                    "step" => range.Step,
                    _ => Undefined.Attribute(owner, name),
                };
            default:
                return Undefined.Attribute(owner, name);
        }
    }

    public static object? GetItem(object? owner, object? key)
    {
        switch (owner)
        {
            case Undefined undefined:
                throw undefined.Fail();
            case PyDict dict:
                if (dict.TryGetValue(PyDict.ToKey(key), out var value))
                    return value;
                break;
            case List<object?> list:
                if (TryIndex(key, list.Count, out var listIndex))
                    return list[listIndex];
                break;
            case PyTuple tuple:
                if (TryIndex(key, tuple.Items.Length, out var tupleIndex))
                    return tuple.Items[tupleIndex];
                break;
            case string s when key is long or bool:
                var codePoints = PyText.CodePoints(s);
                if (TryIndex(key, codePoints.Length, out var charIndex))
                    return codePoints[charIndex];
                break;
            case PyRange range:
                if (TryIndex(key, (int)range.Count, out var rangeIndex))
                    return range[rangeIndex];
                break;
        }

        // Jinja's getitem falls back to the attribute for a string key (loop['index'], d['items']).
        return key is string name ? GetAttribute(owner, name) : Undefined.Element(owner, key);
    }

    private static bool TryIndex(object? key, int count, out int index)
    {
        index = 0;
        long? raw = key switch { long l => l, bool b => b ? 1 : 0, _ => null };
        if (raw is null)
            return false;
        var position = raw.Value < 0 ? raw.Value + count : raw.Value;
        if (position < 0 || position >= count)
            return false;
        index = (int)position;
        return true;
    }

    /// <summary>Python's <c>x[start:stop:step]</c> on a list, tuple or string (None bounds allowed, negatives count from the end).</summary>
    public static object? Slice(object? owner, object? start, object? stop, object? step)
    {
        if (owner is Undefined undefined)
            throw undefined.Fail();
        IReadOnlyList<object?> items = owner switch
        {
            List<object?> list => list,
            PyTuple tuple => tuple.Items,
            string s => PyText.CodePoints(s),
            PyRange range => [.. range.Enumerate()],
            _ => throw new ChatTemplateRenderException($"'{PyFormat.TypeName(owner)}' object is not subscriptable"),
        };
        var picked = new List<object?>();
        foreach (var index in SliceIndices(items.Count, Bound(start), Bound(stop), Bound(step)))
            picked.Add(items[index]);
        return owner switch
        {
            string => string.Concat(picked.Cast<string>()),
            PyTuple => new PyTuple([.. picked]),
            _ => picked,
        };
    }

    private static long? Bound(object? value) => value switch
    {
        null => null,
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new ChatTemplateRenderException("slice indices must be integers or None"),
    };

    private static IEnumerable<int> SliceIndices(int count, long? start, long? stop, long? step)
    {
        var stride = step ?? 1;
        if (stride == 0)
            throw new ChatTemplateRenderException("slice step cannot be zero");
        long Clamp(long? value, long whenNone, long low, long high)
        {
            if (value is null)
                return whenNone;
            var v = value.Value < 0 ? value.Value + count : value.Value;
            return Math.Clamp(v, low, high);
        }

        if (stride > 0)
        {
            var from = Clamp(start, 0, 0, count);
            var to = Clamp(stop, count, 0, count);
            for (var i = from; i < to; i += stride)
                yield return (int)i;
        }
        else
        {
            var from = Clamp(start, count - 1, -1, count - 1);
            var to = Clamp(stop, -1, -1, count - 1);
            for (var i = from; i > to; i += stride)
                yield return (int)i;
        }
    }
}
