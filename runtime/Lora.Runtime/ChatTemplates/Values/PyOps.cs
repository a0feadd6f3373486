using System;
using System.Collections.Generic;
using System.Linq;

namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>Python semantics of the operators templates use: truthiness, ==, ordering, arithmetic, in, len, iteration.</summary>
internal static class PyOps
{
    public static bool IsTrue(object? value) => value switch
    {
        null => false,
        bool b => b,
        long l => l != 0,
        double d => d != 0,
        string s => s.Length > 0,
        Undefined => false,
        List<object?> list => list.Count > 0,
        PyTuple tuple => tuple.Items.Length > 0,
        PyDict dict => dict.Count > 0,
        PyDictView view => view.Items.Count > 0,
        PyRange range => range.Count > 0,
        _ => true,
    };

    public static bool IsNumber(object? value) => value is bool or long or double;

    private static double ToDouble(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        double d => d,
        _ => throw new InvalidOperationException(),
    };

    private static long ToLong(object? value) => value switch
    {
        bool b => b ? 1 : 0,
        long l => l,
        _ => throw new InvalidOperationException(),
    };

    private static bool IsIntegral(object? value) => value is bool or long;

    public static bool AreEqual(object? a, object? b)
    {
        if (IsNumber(a) && IsNumber(b))
            return IsIntegral(a) && IsIntegral(b) ? ToLong(a) == ToLong(b) : ToDouble(a) == ToDouble(b);
        switch (a)
        {
            case null: return b is null;
            case string s: return b is string t && s == t;
            case Undefined: return b is Undefined;
            case List<object?> list: return b is List<object?> other && SequenceEqual(list, other);
            case PyTuple tuple: return b is PyTuple otherTuple && SequenceEqual(tuple.Items, otherTuple.Items);
            case PyDict dict:
                if (b is not PyDict otherDict || otherDict.Count != dict.Count)
                    return false;
                foreach (var pair in dict)
                {
                    if (!otherDict.TryGetValue(pair.Key, out var value) || !AreEqual(pair.Value, value))
                        return false;
                }

                return true;
            default: return ReferenceEquals(a, b);
        }
    }

    private static bool SequenceEqual(IReadOnlyList<object?> a, IReadOnlyList<object?> b)
    {
        if (a.Count != b.Count)
            return false;
        for (var i = 0; i < a.Count; i++)
        {
            if (!AreEqual(a[i], b[i]))
                return false;
        }

        return true;
    }

    /// <summary>Python's ordering (&lt;): numbers, strings (by code point), lists and tuples element-wise.</summary>
    public static int Compare(object? a, object? b, string op)
    {
        if (IsNumber(a) && IsNumber(b))
            return IsIntegral(a) && IsIntegral(b) ? ToLong(a).CompareTo(ToLong(b)) : ToDouble(a).CompareTo(ToDouble(b));
        if (a is string s && b is string t)
            return CompareCodePoints(s, t);
        if ((a is List<object?> && b is List<object?>) || (a is PyTuple && b is PyTuple))
        {
            var x = AsList(a);
            var y = AsList(b);
            for (var i = 0; i < Math.Min(x.Count, y.Count); i++)
            {
                if (!AreEqual(x[i], y[i]))
                    return Compare(x[i], y[i], op);
            }

            return x.Count.CompareTo(y.Count);
        }

        if (a is Undefined u)
            throw u.Fail();
        if (b is Undefined v)
            throw v.Fail();
        throw new ChatTemplateRenderException(
            $"'{op}' not supported between instances of '{PyFormat.TypeName(a)}' and '{PyFormat.TypeName(b)}'");
    }

    private static int CompareCodePoints(string s, string t)
    {
        // Ordinal UTF-16 order differs from code point order only for surrogates against U+E000..U+FFFF.
        var x = s.EnumerateRunes().GetEnumerator();
        var y = t.EnumerateRunes().GetEnumerator();
        while (true)
        {
            var hasX = x.MoveNext();
            var hasY = y.MoveNext();
            if (!hasX || !hasY)
                return hasX.CompareTo(hasY);
            var c = x.Current.Value.CompareTo(y.Current.Value);
            if (c != 0)
                return c;
        }
    }

    private static IReadOnlyList<object?> AsList(object? value) => value is PyTuple t ? t.Items : (List<object?>)value!;

    public static object? Add(object? a, object? b)
    {
        if (IsIntegral(a) && IsIntegral(b))
            return checked(ToLong(a) + ToLong(b));
        if (IsNumber(a) && IsNumber(b))
            return ToDouble(a) + ToDouble(b);
        if (a is string s && b is string t)
            return s + t;
        if (a is List<object?> x && b is List<object?> y)
            return new List<object?>([.. x, .. y]);
        if (a is PyTuple p && b is PyTuple q)
            return new PyTuple([.. p.Items, .. q.Items]);
        throw BinaryError("+", a, b);
    }

    public static object? Subtract(object? a, object? b)
    {
        if (IsIntegral(a) && IsIntegral(b))
            return checked(ToLong(a) - ToLong(b));
        if (IsNumber(a) && IsNumber(b))
            return ToDouble(a) - ToDouble(b);
        throw BinaryError("-", a, b);
    }

    public static object? Multiply(object? a, object? b)
    {
        if (IsIntegral(a) && IsIntegral(b))
            return checked(ToLong(a) * ToLong(b));
        if (IsNumber(a) && IsNumber(b))
            return ToDouble(a) * ToDouble(b);
        if (IsIntegral(b) && a is string or List<object?> or PyTuple)
            return Repeat(a, ToLong(b));
        if (IsIntegral(a) && b is string or List<object?> or PyTuple)
            return Repeat(b, ToLong(a));
        throw BinaryError("*", a, b);
    }

    private static object Repeat(object? sequence, long times)
    {
        times = Math.Max(0, times);
        if (sequence is string s)
            return string.Concat(Enumerable.Repeat(s, checked((int)times)));
        var items = sequence is PyTuple tuple ? tuple.Items : (IReadOnlyList<object?>)sequence!;
        var result = new List<object?>();
        for (long i = 0; i < times; i++)
            result.AddRange(items);
        return sequence is PyTuple ? new PyTuple([.. result]) : result;
    }

    public static object? Divide(object? a, object? b)
    {
        if (!IsNumber(a) || !IsNumber(b))
            throw BinaryError("/", a, b);
        if (ToDouble(b) == 0)
            throw new ChatTemplateRenderException("division by zero");
        return ToDouble(a) / ToDouble(b);
    }

    public static object? FloorDivide(object? a, object? b)
    {
        if (!IsNumber(a) || !IsNumber(b))
            throw BinaryError("//", a, b);
        if (ToDouble(b) == 0)
            throw new ChatTemplateRenderException("integer division or modulo by zero");
        if (IsIntegral(a) && IsIntegral(b))
        {
            long x = ToLong(a), y = ToLong(b);
            var q = x / y;
            return (x % y != 0 && (x < 0) != (y < 0)) ? q - 1 : q;
        }

        // CPython's float floor division goes through fmod, so 1 // 0.1 is 9.0 (floor(1 / 0.1) would be 10.0).
        double dividend = ToDouble(a), divisor = ToDouble(b);
        var mod = dividend % divisor;
        var div = (dividend - mod) / divisor;
        if (mod != 0 && (divisor < 0) != (mod < 0))
            div -= 1.0;
        if (div == 0)
            return Math.CopySign(0.0, dividend / divisor);
        var floor = Math.Floor(div);
        return div - floor > 0.5 ? floor + 1.0 : floor;
    }

    public static object? Modulo(object? a, object? b)
    {
        if (a is string format)
            return PrintfFormat.Format(format, b);
        if (!IsNumber(a) || !IsNumber(b))
            throw BinaryError("%", a, b);
        if (ToDouble(b) == 0)
            throw new ChatTemplateRenderException("integer division or modulo by zero");
        if (IsIntegral(a) && IsIntegral(b))
        {
            long x = ToLong(a), y = ToLong(b);
            var r = x % y;
            return r != 0 && (r < 0) != (y < 0) ? r + y : r;
        }

        double p = ToDouble(a), d = ToDouble(b);
        var m = p % d;
        return m != 0 && (m < 0) != (d < 0) ? m + d : m;
    }

    public static object? Power(object? a, object? b)
    {
        if (!IsNumber(a) || !IsNumber(b))
            throw BinaryError("**", a, b);
        if (IsIntegral(a) && IsIntegral(b) && ToLong(b) >= 0)
        {
            long result = 1, x = ToLong(a);
            for (long i = 0; i < ToLong(b); i++)
                result = checked(result * x);
            return result;
        }

        if (ToDouble(a) < 0 && ToDouble(b) != Math.Floor(ToDouble(b)))
            throw new ChatTemplateRenderException("a negative number to a fractional power is complex in Python: not supported");
        return Math.Pow(ToDouble(a), ToDouble(b));
    }

    public static object? Negate(object? a) => a switch
    {
        bool or long => (object)checked(-ToLong(a)),
        double d => (object)(-d),
        Undefined u => throw u.Fail(),
        _ => throw new ChatTemplateRenderException($"bad operand type for unary -: '{PyFormat.TypeName(a)}'"),
    };

    private static ChatTemplateRenderException BinaryError(string op, object? a, object? b)
    {
        if (a is Undefined u)
            return u.Fail();
        if (b is Undefined v)
            return v.Fail();
        return new ChatTemplateRenderException(
            $"unsupported operand type(s) for {op}: '{PyFormat.TypeName(a)}' and '{PyFormat.TypeName(b)}'");
    }

    /// <summary>Python's <c>item in container</c>.</summary>
    public static bool Contains(object? container, object? item)
    {
        switch (container)
        {
            case string s:
                if (item is not string t)
                    throw new ChatTemplateRenderException($"'in <string>' requires string as left operand, not {PyFormat.TypeName(item)}");
                return s.Contains(t, StringComparison.Ordinal);
            case PyDict dict:
                return dict.ContainsKey(PyDict.ToHashableKey(item));
            case Undefined:
                // Undefined iterates as empty, so nothing is in it.
                return false;
            default:
                foreach (var element in Iterate(container))
                {
                    if (AreEqual(element, item))
                        return true;
                }

                return false;
        }
    }

    /// <summary>Python's iter(): a dict yields its keys, a string its characters, undefined nothing.</summary>
    public static IEnumerable<object?> Iterate(object? value) => value switch
    {
        List<object?> list => list,
        PyTuple tuple => tuple.Items,
        PyDict dict => dict.Keys.Select(PyDict.FromKey),
        string s => PyText.CodePoints(s),
        PyIterator iterator => iterator.Items,
        PyDictView view => view.Items,
        PyRange range => range.Enumerate(),
        Undefined => [],
        Namespace => throw new ChatTemplateRenderException("'Namespace' object is not iterable"),
        _ => throw new ChatTemplateRenderException($"'{PyFormat.TypeName(value)}' object is not iterable"),
    };

    public static bool IsIterable(object? value) =>
        value is List<object?> or PyTuple or PyDict or string or PyIterator or PyDictView or PyRange or Undefined;

    /// <summary>Python's len().</summary>
    public static long Length(object? value) => value switch
    {
        string s => PyText.Length(s),
        List<object?> list => list.Count,
        PyTuple tuple => tuple.Items.Length,
        PyDict dict => dict.Count,
        PyDictView view => view.Items.Count,
        PyRange range => range.Count,
        Undefined => 0,
        _ => throw new ChatTemplateRenderException($"object of type '{PyFormat.TypeName(value)}' has no len()"),
    };

    /// <summary>A materialized list of an iterable, for sorting, reversing and loops.</summary>
    public static List<object?> ToList(object? value) => [.. Iterate(value)];
}
