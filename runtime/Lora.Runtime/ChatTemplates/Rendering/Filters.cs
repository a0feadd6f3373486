using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>
/// Jinja's built-in filters that chat templates use, with their Python signatures (argument names and defaults) and
/// results (generators where Jinja returns one), plus transformers' <c>tojson</c>.
/// </summary>
internal static partial class Filters
{
    private delegate object? Filter(object? value, CallArguments arguments, RenderState state);

    private static readonly Dictionary<string, Filter> All = new(StringComparer.Ordinal)
    {
        ["tojson"] = (v, a, _) => JsonDump.Dumps(v, a.Expect("tojson", "ensure_ascii", "indent", "separators", "sort_keys")),
        ["trim"] = (v, a, _) => PyText.Strip(PyFormat.Str(v), a.Expect("trim", "chars").Get(0, "chars", null) as string, true, true),
        ["length"] = (v, _, _) => PyOps.Length(v),
        ["count"] = (v, _, _) => PyOps.Length(v),
        ["join"] = Join,
        ["selectattr"] = (v, a, s) => SelectAttribute(v, a, s, keep: true),
        ["rejectattr"] = (v, a, s) => SelectAttribute(v, a, s, keep: false),
        ["select"] = (v, a, s) => Select(v, a, s, keep: true),
        ["reject"] = (v, a, s) => Select(v, a, s, keep: false),
        ["map"] = Map,
        ["items"] = (v, _, _) => v switch
        {
            Undefined => new PyIterator([], "generator"),
            PyDict dict => new PyIterator(dict.Select(p => (object?)new PyTuple([PyDict.FromKey(p.Key), p.Value])).ToList(), "generator"),
            _ => throw new ChatTemplateRenderException("Can only get item pairs from a mapping."),
        },
        ["list"] = (v, _, _) => PyOps.ToList(v),
        ["string"] = (v, _, _) => PyFormat.Str(v),
        ["title"] = (v, _, _) => JinjaTitle(PyFormat.Str(v)),
        ["upper"] = (v, _, _) => PyCase.Upper(PyFormat.Str(v)),
        ["lower"] = (v, _, _) => PyCase.Lower(PyFormat.Str(v)),
        ["capitalize"] = (v, _, _) => PyText.Capitalize(PyFormat.Str(v)),
        ["replace"] = (v, a, _) => PyText.Replace(PyFormat.Str(v), PyFormat.Str(a.Expect("replace", "old", "new", "count").Get(0, "old", "")),
            PyFormat.Str(a.Get(1, "new", "")), a.Get(2, "count", null) is long n ? n : -1),
        ["default"] = Default,
        ["d"] = Default,
        ["first"] = (v, _, _) => PyOps.Iterate(v).Take(1).ToList() is [var item] ? item : new Undefined("No first item, sequence was empty."),
        ["last"] = (v, _, _) => v is PyIterator
            ? throw new ChatTemplateRenderException($"'{PyFormat.TypeName(v)}' object is not reversible")
            : PyOps.ToList(v) is { Count: > 0 } list ? list[^1] : new Undefined("No last item, sequence was empty."),
        ["reverse"] = (v, _, _) => v switch
        {
            string s => string.Concat(Enumerable.Reverse(PyText.CodePoints(s))),
            List<object?> list => new PyIterator(Enumerable.Reverse(list).ToList(), "list_reverseiterator"),
            // Python's reversed() fails on a generator; Jinja then reverses a list copy.
            PyIterator => Enumerable.Reverse(PyOps.ToList(v)).ToList(),
            _ => new PyIterator(Enumerable.Reverse(PyOps.ToList(v)).ToList(), "reversed"),
        },
        ["sort"] = Sort,
        ["unique"] = Unique,
        ["int"] = ToInt,
        ["float"] = ToFloat,
        ["abs"] = (v, _, _) => v switch
        {
            long l => (object)Math.Abs(l),
            bool b => b ? 1L : 0L,
            double d => (object)Math.Abs(d),
            _ => throw new ChatTemplateRenderException($"bad operand type for abs(): '{PyFormat.TypeName(v)}'"),
        },
        ["round"] = Round,
        ["wordcount"] = (v, _, _) => WordCount(PyFormat.Str(v)),
        ["indent"] = Indent,
        ["sum"] = Sum,
        ["format"] = (v, a, _) => a.Named.Count > 0
            ? throw new ChatTemplateRenderException("the format filter with keyword arguments (%(name)s) is not supported")
            : PrintfFormat.Format(PyFormat.Str(v), new PyTuple([.. a.Positional])),
        // Without autoescaping, Markup prints as its string: safe is str().
        ["safe"] = (v, _, _) => PyFormat.Str(v),
        ["dictsort"] = DictSort,
        ["center"] = (v, a, _) => StringMethods.Center(PyFormat.Str(v), a.Expect("center", "width").Get(0, "width", 80L) is long w ? w : 80, " "),
        ["min"] = (v, a, s) => Extreme(v, a, s, wantMax: false),
        ["max"] = (v, a, s) => Extreme(v, a, s, wantMax: true),
    };

    /// <summary>The filters the parser accepts; any other name is refused at load.</summary>
    public static readonly HashSet<string> Supported = [.. All.Keys];

    public static object? Apply(string name, object? value, CallArguments arguments, RenderState state) =>
        All.TryGetValue(name, out var filter)
            ? filter(value, arguments, state)
            : throw new ChatTemplateRenderException($"no filter named '{name}'");

    private static object? Join(object? value, CallArguments arguments, RenderState state)
    {
        arguments.Expect("join", "d", "attribute");
        var separator = PyFormat.Str(arguments.Get(0, "d", ""));
        var items = PyOps.Iterate(value);
        if (arguments.Get(1, "attribute", null) is { } attribute)
            items = items.Select(item => LookupPath(item, attribute));
        return string.Join(separator, items.Select(PyFormat.Str));
    }

    /// <summary>Jinja's attribute getter: "a.b.0" looks up a, then b, then item 0 (subscript first, as getitem does).</summary>
    private static object? LookupPath(object? item, object? path)
    {
        if (path is long index)
            return MemberAccess.GetItem(item, index);
        foreach (var part in PyFormat.Str(path).Split('.'))
        {
            object? key = long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : part;
            item = MemberAccess.GetItem(item, key);
        }

        return item;
    }

    private static PyIterator SelectAttribute(object? value, CallArguments arguments, RenderState state, bool keep)
    {
        var attribute = arguments.Positional.Count > 0 ? arguments.Positional[0] : throw new ChatTemplateRenderException("Missing parameter for attribute name");
        var test = PickTest(arguments.Positional.Skip(1).ToList(), arguments.Named, state);
        var picked = IterateIfTrue(value).Where(item => test(LookupPath(item, attribute)) == keep).ToList();
        return new PyIterator(picked, "generator");
    }

    private static PyIterator Select(object? value, CallArguments arguments, RenderState state, bool keep)
    {
        var test = PickTest(arguments.Positional, arguments.Named, state);
        return new PyIterator(IterateIfTrue(value).Where(item => test(item) == keep).ToList(), "generator");
    }

    // Jinja's select, reject, selectattr, rejectattr and map iterate the value only when it is true: false|select is empty.
    private static IEnumerable<object?> IterateIfTrue(object? value) => PyOps.IsTrue(value) ? PyOps.Iterate(value) : [];

    // No test name: truthiness; else the named test with the remaining arguments.
    private static Func<object?, bool> PickTest(List<object?> rest, List<KeyValuePair<string, object?>> named, RenderState state)
    {
        if (rest.Count == 0)
            return PyOps.IsTrue;
        var name = rest[0] as string ?? throw new ChatTemplateRenderException("the test name must be a string");
        if (!TestFunctions.Supported.Contains(name))
            throw new ChatTemplateRenderException($"No test named '{name}'.");
        var testArguments = new CallArguments(rest.Skip(1).ToList(), named);
        return item => TestFunctions.Apply(name, item, testArguments, state);
    }

    private static PyIterator Map(object? value, CallArguments arguments, RenderState state)
    {
        if (arguments.Positional.Count == 0 && arguments.Named.Any(p => p.Key == "attribute"))
        {
            var attribute = arguments.Get(99, "attribute", null);
            var hasDefault = arguments.Has(99, "default");
            var fallback = arguments.Get(99, "default", null);
            return new PyIterator(IterateIfTrue(value).Select(item =>
                LookupPath(item, attribute) is Undefined && hasDefault ? fallback : LookupPath(item, attribute)).ToList(), "generator");
        }

        if (arguments.Positional.Count == 0)
            throw new ChatTemplateRenderException("map requires a filter argument");
        var name = arguments.Positional[0] as string ?? throw new ChatTemplateRenderException("map: the filter name must be a string");
        if (!Supported.Contains(name))
            throw new ChatTemplateRenderException($"No filter named '{name}'.");
        var filterArguments = new CallArguments(arguments.Positional.Skip(1).ToList(), arguments.Named);
        return new PyIterator(IterateIfTrue(value).Select(item => Apply(name, item, filterArguments, state)).ToList(), "generator");
    }

    private static object? Default(object? value, CallArguments arguments, RenderState state)
    {
        arguments.Expect("default", "default_value", "boolean");
        var fallback = arguments.Get(0, "default_value", "");
        var boolean = PyOps.IsTrue(arguments.Get(1, "boolean", false));
        return value is Undefined || (boolean && !PyOps.IsTrue(value)) ? fallback : value;
    }

    // Interpreted: see Lexer's patterns.
    private static readonly Regex WordBeginning = new(@"([-\s\(\{\[\<]+)");

    // Runs of Python's \w characters (.NET's \w also takes combining marks, Python's does not).
    private static long WordCount(string s)
    {
        long words = 0;
        var inWord = false;
        foreach (var rune in s.EnumerateRunes())
        {
            var isWord = PyCase.IsWordCharacter(rune);
            if (isWord && !inWord)
                words++;
            inWord = isWord;
        }

        return words;
    }

    /// <summary>Jinja's title (not Python's): words start after whitespace, '-', '(', '{', '[' or '&lt;'.</summary>
    private static string JinjaTitle(string s)
    {
        var builder = new StringBuilder();
        foreach (var part in WordBeginning.Split(s))
        {
            if (part.Length == 0)
                continue;
            var first = System.Text.Rune.GetRuneAt(part, 0);
            builder.Append(PyCase.Upper(first.ToString())).Append(PyCase.Lower(part[first.Utf16SequenceLength..]));
        }

        return builder.ToString();
    }

    private static object? Sort(object? value, CallArguments arguments, RenderState state)
    {
        arguments.Expect("sort", "reverse", "case_sensitive", "attribute");
        var reverse = PyOps.IsTrue(arguments.Get(0, "reverse", false));
        var caseSensitive = PyOps.IsTrue(arguments.Get(1, "case_sensitive", false));
        var attribute = arguments.Get(2, "attribute", null);
        var items = PyOps.ToList(value);
        object? Key(object? item)
        {
            var key = attribute is null ? item : LookupPath(item, attribute);
            return !caseSensitive && key is string s ? PyCase.Lower(s) : key;
        }

        // A stable sort, as Python's; reverse keeps equal items in their order, as sorted(reverse=True) does.
        var keyed = items.Select((item, index) => (Key: Key(item), Item: item, Index: index)).ToList();
        keyed.Sort((x, y) =>
        {
            var c = PyOps.Compare(x.Key, y.Key, "<");
            return c != 0 ? (reverse ? -c : c) : x.Index.CompareTo(y.Index);
        });
        return keyed.Select(k => k.Item).ToList();
    }

    private static object? DictSort(object? value, CallArguments arguments, RenderState state)
    {
        arguments.Expect("dictsort", "case_sensitive", "by", "reverse");
        if (value is not PyDict dict)
            throw new ChatTemplateRenderException("dictsort requires a mapping");
        var caseSensitive = PyOps.IsTrue(arguments.Get(0, "case_sensitive", false));
        var byValue = PyFormat.Str(arguments.Get(1, "by", "key")) switch
        {
            "key" => false,
            "value" => true,
            _ => throw new ChatTemplateRenderException("You can only sort by either \"key\" or \"value\""),
        };
        var reverse = PyOps.IsTrue(arguments.Get(2, "reverse", false));
        var pairs = dict.Select((p, index) => (Pair: new PyTuple([PyDict.FromKey(p.Key), p.Value]), Index: index)).ToList();
        object? Key(PyTuple pair)
        {
            var key = pair.Items[byValue ? 1 : 0];
            return !caseSensitive && key is string s ? PyCase.Lower(s) : key;
        }

        pairs.Sort((x, y) =>
        {
            var c = PyOps.Compare(Key(x.Pair), Key(y.Pair), "<");
            return c != 0 ? (reverse ? -c : c) : x.Index.CompareTo(y.Index);
        });
        return pairs.Select(p => (object?)p.Pair).ToList();
    }

    private static PyIterator Unique(object? value, CallArguments arguments, RenderState state)
    {
        arguments.Expect("unique", "case_sensitive", "attribute");
        var caseSensitive = PyOps.IsTrue(arguments.Get(0, "case_sensitive", false));
        var attribute = arguments.Get(1, "attribute", null);
        var seen = new List<object?>();
        var result = new List<object?>();
        foreach (var item in PyOps.Iterate(value))
        {
            var key = attribute is null ? item : LookupPath(item, attribute);
            if (!caseSensitive && key is string s)
                key = PyCase.Lower(s);
            if (seen.Any(k => PyOps.AreEqual(k, key)))
                continue;
            seen.Add(key);
            result.Add(item);
        }

        return new PyIterator(result, "generator");
    }

    private static object? ToInt(object? value, CallArguments arguments, RenderState state)
    {
        arguments.Expect("int", "default", "base");
        var fallback = arguments.Get(0, "default", 0L);
        var numberBase = arguments.Get(1, "base", 10L) is long b ? (int)b : 10;
        switch (value)
        {
            case Undefined undefined: throw undefined.Fail();
            case bool flag: return flag ? 1L : 0L;
            case long l: return l;
            case double d: return double.IsFinite(d) ? (long)Math.Truncate(d) : fallback;
            case string s:
                var text = s.Trim().Replace("_", "", StringComparison.Ordinal);
                try
                {
                    if (numberBase == 10)
                        return long.Parse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                    return Convert.ToInt64(text, numberBase);
                }
                catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
                {
                    return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed)
                        ? (long)Math.Truncate(parsed)
                        : fallback;
                }
            default: return fallback;
        }
    }

    private static object? ToFloat(object? value, CallArguments arguments, RenderState state)
    {
        arguments.Expect("float", "default");
        var fallback = arguments.Get(0, "default", 0.0);
        return value switch
        {
            Undefined undefined => throw undefined.Fail(),
            bool flag => flag ? 1.0 : 0.0,
            long l => (double)l,
            double d => d,
            string s when double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
            _ => fallback,
        };
    }

    private static object? Round(object? value, CallArguments arguments, RenderState state)
    {
        arguments.Expect("round", "precision", "method");
        var precision = arguments.Get(0, "precision", 0L) is long p ? (int)p : 0;
        var method = PyFormat.Str(arguments.Get(1, "method", "common"));
        if (value is long or bool && method == "common")
            return value is bool flag ? (flag ? 1L : 0L) : value;
        var number = value switch
        {
            double d => d,
            long l => l,
            bool flag => flag ? 1 : 0,
            _ => throw new ChatTemplateRenderException($"type {PyFormat.TypeName(value)} doesn't define __round__ method"),
        };
        var scale = Math.Pow(10, precision);
        return method switch
        {
            "common" => Math.Round(number, Math.Clamp(precision, 0, 15), MidpointRounding.ToEven),
            "ceil" => Math.Ceiling(number * scale) / scale,
            "floor" => Math.Floor(number * scale) / scale,
            _ => throw new ChatTemplateRenderException("method must be common, ceil or floor"),
        };
    }

    private static object? Indent(object? value, CallArguments arguments, RenderState state)
    {
        arguments.Expect("indent", "width", "first", "blank");
        var width = arguments.Get(0, "width", 4L);
        var indentation = width is string w ? w : new string(' ', (int)(width is long n ? n : 4));
        var first = PyOps.IsTrue(arguments.Get(1, "first", false));
        var blank = PyOps.IsTrue(arguments.Get(2, "blank", false));
        // Jinja appends "\n" to the value itself: only a string can be indented.
        if (value is not string original)
            throw value is Undefined undefined ? undefined.Fail() : new ChatTemplateRenderException($"unsupported operand type(s) for +=: '{PyFormat.TypeName(value)}' and 'str'");
        var text = original + "\n";
        var lines = text.Split('\n').SkipLast(1).ToList();
        var builder = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
                builder.Append('\n');
            var line = lines[i];
            if ((i > 0 || first) && (blank || line.Length > 0))
                builder.Append(indentation);
            builder.Append(line);
        }

        return builder.ToString();
    }

    private static object? Sum(object? value, CallArguments arguments, RenderState state)
    {
        arguments.Expect("sum", "attribute", "start");
        var attribute = arguments.Get(0, "attribute", null);
        object? total = arguments.Get(1, "start", 0L);
        foreach (var item in PyOps.Iterate(value))
            total = PyOps.Add(total, attribute is null ? item : LookupPath(item, attribute));
        return total;
    }

    private static object? Extreme(object? value, CallArguments arguments, RenderState state, bool wantMax)
    {
        arguments.Expect(wantMax ? "max" : "min", "case_sensitive", "attribute");
        var caseSensitive = PyOps.IsTrue(arguments.Get(0, "case_sensitive", false));
        var attribute = arguments.Get(1, "attribute", null);
        object? best = null;
        object? bestKey = null;
        var any = false;
        foreach (var item in PyOps.Iterate(value))
        {
            var key = attribute is null ? item : LookupPath(item, attribute);
            if (!caseSensitive && key is string s)
                key = PyCase.Lower(s);
            if (!any || (wantMax ? PyOps.Compare(key, bestKey, ">") > 0 : PyOps.Compare(key, bestKey, "<") < 0))
            {
                best = item;
                bestKey = key;
                any = true;
            }
        }

        return any ? best : new Undefined($"No aggregated item, sequence was empty.");
    }
}
