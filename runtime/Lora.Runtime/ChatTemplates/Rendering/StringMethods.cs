using System;
using System.Collections.Generic;
using System.Linq;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>The Python <c>str</c> methods templates call: <c>message.content.strip()</c>, <c>.startswith(...)</c>, ….</summary>
internal static class StringMethods
{
    /// <summary>Every attribute of Python's str, so <c>text.foo</c> is undefined only for names str does not have.</summary>
    public static readonly HashSet<string> PythonAttributes =
    [
        "capitalize", "casefold", "center", "count", "encode", "endswith", "expandtabs", "find", "format", "format_map",
        "index", "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric",
        "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "maketrans", "partition",
        "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip", "split",
        "splitlines", "startswith", "strip", "swapcase", "title", "translate", "upper", "zfill",
    ];

    public static readonly HashSet<string> Supported =
    [
        "strip", "lstrip", "rstrip", "startswith", "endswith", "split", "rsplit", "upper", "lower", "title", "capitalize",
        "replace", "join", "find", "count", "isdigit", "isalpha", "isspace", "islower", "isupper", "removeprefix",
        "removesuffix", "splitlines", "format", "center",
    ];

    public static object? Call(string s, string name, CallArguments args) => name switch
    {
        "strip" => PyText.Strip(s, OptionalString(args.Expect(name, "chars").Get(0, "chars", null)), true, true),
        "lstrip" => PyText.Strip(s, OptionalString(args.Expect(name, "chars").Get(0, "chars", null)), true, false),
        "rstrip" => PyText.Strip(s, OptionalString(args.Expect(name, "chars").Get(0, "chars", null)), false, true),
        "startswith" => Affix(s, args.Expect(name, "prefix").Get(0, "prefix", null), s.StartsWith),
        "endswith" => Affix(s, args.Expect(name, "suffix").Get(0, "suffix", null), s.EndsWith),
        "split" => PyText.Split(s, OptionalString(args.Expect(name, "sep", "maxsplit").Get(0, "sep", null)),
            Integer(args.Get(1, "maxsplit", -1L))),
        "rsplit" => RightSplit(s, OptionalString(args.Expect(name, "sep", "maxsplit").Get(0, "sep", null)),
            Integer(args.Get(1, "maxsplit", -1L))),
        "upper" => PyCase.Upper(s),
        "lower" => PyCase.Lower(s),
        "title" => PyText.PythonTitle(s),
        "capitalize" => PyText.Capitalize(s),
        "replace" => PyText.Replace(s, RequiredString(args.Expect(name, "old", "new", "count").Get(0, "old", null)),
            RequiredString(args.Get(1, "new", null)), Integer(args.Get(2, "count", -1L))),
        "join" => string.Join(s, PyOps.Iterate(args.Expect(name, "iterable").Get(0, "iterable", null)).Select(RequiredString)),
        "find" => (long)FindCodePoint(s, RequiredString(args.Expect(name, "sub").Get(0, "sub", null))),
        "count" => (long)CountOccurrences(s, RequiredString(args.Expect(name, "sub").Get(0, "sub", null))),
        "isdigit" => s.Length > 0 && s.All(char.IsDigit),
        "isalpha" => s.Length > 0 && s.All(char.IsLetter),
        "isspace" => s.Length > 0 && s.All(PyText.IsSpace),
        "islower" => s.Any(char.IsLetter) && !s.Any(char.IsUpper),
        "isupper" => s.Any(char.IsLetter) && !s.Any(char.IsLower),
        "removeprefix" => RemovePrefix(s, RequiredString(args.Expect(name, "prefix").Get(0, "prefix", null))),
        "removesuffix" => RemoveSuffix(s, RequiredString(args.Expect(name, "suffix").Get(0, "suffix", null))),
        "splitlines" => SplitLines(s),
        "format" => StringFormat.Format(s, args),
        "center" => Center(s, Integer(args.Expect(name, "width", "fillchar").Get(0, "width", 0L)), RequiredString(args.Get(1, "fillchar", " "))),
        _ => throw new ChatTemplateRenderException($"str.{name}() is not supported"),
    };

    private static string? OptionalString(object? value) => value switch
    {
        null => null,
        string s => s,
        _ => throw new ChatTemplateRenderException($"expected a string or None, got '{PyFormat.TypeName(value)}'"),
    };

    private static string RequiredString(object? value) => value as string
        ?? throw new ChatTemplateRenderException($"expected str instance, {PyFormat.TypeName(value)} found");

    private static long Integer(object? value) => value switch
    {
        long l => l,
        bool b => b ? 1 : 0,
        _ => throw new ChatTemplateRenderException($"'{PyFormat.TypeName(value)}' object cannot be interpreted as an integer"),
    };

    // startswith/endswith take a string or a tuple of strings.
    private static bool Affix(string s, object? affix, Func<string, StringComparison, bool> test) => affix switch
    {
        string one => test(one, StringComparison.Ordinal),
        PyTuple many => many.Items.Any(item => test(RequiredString(item), StringComparison.Ordinal)),
        _ => throw new ChatTemplateRenderException(
            $"startswith/endswith first arg must be str or a tuple of str, not {PyFormat.TypeName(affix)}"),
    };

    private static List<object?> RightSplit(string s, string? separator, long maxSplit)
    {
        if (maxSplit < 0)
            return PyText.Split(s, separator, -1);
        // Split the reversed text with the reversed separator, then reverse back: Python's rsplit.
        var reversed = new string(s.Reverse().ToArray());
        var parts = PyText.Split(reversed, separator is null ? null : new string(separator.Reverse().ToArray()), maxSplit);
        parts.Reverse();
        return parts.Select(p => (object?)new string(((string)p!).Reverse().ToArray())).ToList();
    }

    private static int FindCodePoint(string s, string sub)
    {
        var index = s.IndexOf(sub, StringComparison.Ordinal);
        return index <= 0 ? index : (int)PyText.Length(s[..index]);
    }

    private static int CountOccurrences(string s, string sub)
    {
        if (sub.Length == 0)
            return (int)PyText.Length(s) + 1;
        var count = 0;
        for (var i = s.IndexOf(sub, StringComparison.Ordinal); i >= 0; i = s.IndexOf(sub, i + sub.Length, StringComparison.Ordinal))
            count++;
        return count;
    }

    /// <summary>Python's str.center, with CPython's split of odd padding (one more on the left when margin and width are both odd).</summary>
    public static string Center(string s, long width, string fill)
    {
        var length = PyText.Length(s);
        if (width <= length)
            return s;
        var margin = width - length;
        var left = (margin / 2) + (margin & width & 1);
        return string.Concat(Enumerable.Repeat(fill, (int)left)) + s + string.Concat(Enumerable.Repeat(fill, (int)(margin - left)));
    }

    private static string RemovePrefix(string s, string prefix) =>
        prefix.Length > 0 && s.StartsWith(prefix, StringComparison.Ordinal) ? s[prefix.Length..] : s;

    private static string RemoveSuffix(string s, string suffix) =>
        suffix.Length > 0 && s.EndsWith(suffix, StringComparison.Ordinal) ? s[..^suffix.Length] : s;

    private static List<object?> SplitLines(string s)
    {
        var lines = new List<object?>();
        var start = 0;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029')
            {
                lines.Add(s[start..i]);
                if (c == '\r' && i + 1 < s.Length && s[i + 1] == '\n')
                    i++;
                start = i + 1;
            }
        }

        if (start < s.Length)
            lines.Add(s[start..]);
        return lines;
    }
}
