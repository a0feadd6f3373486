using System;
using System.Collections.Generic;
using System.Linq;

namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>
/// Python string semantics on .NET strings: Python indexes and counts code points, .NET UTF-16 units, so lengths,
/// indexes and slices of text with emoji go through code points; whitespace is Python's <c>str.isspace</c>.
/// </summary>
internal static class PyText
{
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    private static bool HasSurrogates(string s)
    {
        foreach (var c in s)
        {
            if (char.IsSurrogate(c))
                return true;
        }

        return false;
    }

    public static long Length(string s) => HasSurrogates(s) ? s.EnumerateRunes().Count() : s.Length;

    /// <summary>The text's code points as strings (one or two UTF-16 units each).</summary>
    public static string[] CodePoints(string s)
    {
        if (!HasSurrogates(s))
        {
            var chars = new string[s.Length];
            for (var i = 0; i < s.Length; i++)
                chars[i] = s[i].ToString();
            return chars;
        }

        return s.EnumerateRunes().Select(r => r.ToString()).ToArray();
    }

    public static string Strip(string s, string? chars, bool left, bool right)
    {
        Func<char, bool> strip = chars is null ? IsSpace : c => chars.Contains(c);
        var start = 0;
        var end = s.Length;
        if (left)
        {
            while (start < end && strip(s[start]))
                start++;
        }

        if (right)
        {
            while (end > start && strip(s[end - 1]))
                end--;
        }

        return s[start..end];
    }

    /// <summary>Python's str.split: on runs of whitespace when <paramref name="separator"/> is null.</summary>
    public static List<object?> Split(string s, string? separator, long maxSplit)
    {
        var parts = new List<object?>();
        if (separator is null)
        {
            var i = 0;
            while (true)
            {
                while (i < s.Length && IsSpace(s[i]))
                    i++;
                if (i >= s.Length)
                    break;
                if (maxSplit >= 0 && parts.Count >= maxSplit)
                {
                    parts.Add(Strip(s[i..], null, false, true));
                    break;
                }

                var start = i;
                while (i < s.Length && !IsSpace(s[i]))
                    i++;
                parts.Add(s[start..i]);
            }

            return parts;
        }

        if (separator.Length == 0)
            throw new ChatTemplateRenderException("empty separator");
        var position = 0;
        while (maxSplit < 0 || parts.Count < maxSplit)
        {
            var found = s.IndexOf(separator, position, StringComparison.Ordinal);
            if (found < 0)
                break;
            parts.Add(s[position..found]);
            position = found + separator.Length;
        }

        parts.Add(s[position..]);
        return parts;
    }

    /// <summary>Python's str.title: a cased letter after an uncased character takes its title form, the others lower case.</summary>
    public static string PythonTitle(string s)
    {
        var builder = new System.Text.StringBuilder(s.Length);
        var runes = s.EnumerateRunes().ToArray();
        var previousCased = false;
        for (var i = 0; i < runes.Length; i++)
        {
            var rune = runes[i];
            var cased = PyCase.IsCased(rune);
            if (!cased)
                builder.Append(rune.ToString());
            else if (!previousCased)
                builder.Append(PyCase.Title(rune));
            else
                builder.Append(PyCase.LowerAt(runes, i));
            previousCased = cased;
        }

        return builder.ToString();
    }

    /// <summary>Python's str.capitalize: the first character in title form, the rest lower-case.</summary>
    public static string Capitalize(string s)
    {
        if (s.Length == 0)
            return s;
        var first = System.Text.Rune.GetRuneAt(s, 0);
        return PyCase.Title(first) + PyCase.Lower(s[first.Utf16SequenceLength..]);
    }

    /// <summary>Python's str.replace with an optional count (negative: all).</summary>
    public static string Replace(string s, string old, string replacement, long count)
    {
        if (count < 0)
        {
            if (old.Length == 0)
                return InsertBetweenAll(s, replacement);
            return s.Replace(old, replacement, StringComparison.Ordinal);
        }

        var builder = new System.Text.StringBuilder();
        var position = 0;
        for (long done = 0; done < count; done++)
        {
            var found = old.Length == 0 ? (position <= s.Length ? position : -1) : s.IndexOf(old, position, StringComparison.Ordinal);
            if (found < 0)
                break;
            builder.Append(s, position, found - position).Append(replacement);
            if (old.Length == 0)
            {
                if (found < s.Length)
                    builder.Append(s[found]);
                position = found + 1;
            }
            else
            {
                position = found + old.Length;
            }
        }

        if (position < s.Length)
            builder.Append(s, position, s.Length - position);
        return builder.ToString();
    }

    private static string InsertBetweenAll(string s, string insert)
    {
        var builder = new System.Text.StringBuilder(insert);
        foreach (var c in s)
            builder.Append(c).Append(insert);
        return builder.ToString();
    }
}
