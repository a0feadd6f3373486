using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>
/// Python's <c>str()</c> and <c>repr()</c> of template values, which is what <c>{{ x }}</c>, <c>~</c>, <c>|string</c> and
/// <c>|join</c> print: None as "None", True as "True", floats as their shortest repr ("1.0", "1e-05"), lists as
/// "['a', 'b']".
/// </summary>
internal static class PyFormat
{
    public static string Str(object? value) => value switch
    {
        string s => s,
        Undefined => "",
        _ => Repr(value),
    };

    public static string Repr(object? value)
    {
        var builder = new StringBuilder();
        AppendRepr(builder, value);
        return builder.ToString();
    }

    private static void AppendRepr(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null: builder.Append("None"); break;
            case bool b: builder.Append(b ? "True" : "False"); break;
            case long l: builder.Append(l.ToString(CultureInfo.InvariantCulture)); break;
            case double d: builder.Append(Float(d)); break;
            case string s: AppendStringRepr(builder, s); break;
            // str() of an undefined is "", its repr (inside a printed list) is "Undefined".
            case Undefined: builder.Append("Undefined"); break;
            case List<object?> list:
                builder.Append('[');
                AppendItems(builder, list);
                builder.Append(']');
                break;
            case PyTuple tuple:
                builder.Append('(');
                AppendItems(builder, tuple.Items);
                if (tuple.Items.Length == 1)
                    builder.Append(',');
                builder.Append(')');
                break;
            case PyDict dict:
                builder.Append('{');
                var first = true;
                foreach (var pair in dict)
                {
                    if (!first)
                        builder.Append(", ");
                    first = false;
                    AppendRepr(builder, PyDict.FromKey(pair.Key));
                    builder.Append(": ");
                    AppendRepr(builder, pair.Value);
                }

                builder.Append('}');
                break;
            case PyDictView view:
                builder.Append(view.TypeName).Append("([");
                AppendItems(builder, view.Items);
                builder.Append("])");
                break;
            case Namespace ns:
                builder.Append("<Namespace ");
                AppendRepr(builder, ns.Attributes);
                builder.Append('>');
                break;
            case PyRange range:
                builder.Append("range(").Append(range.Start).Append(", ").Append(range.Stop);
                if (range.Step != 1)
                    builder.Append(", ").Append(range.Step);
                builder.Append(')');
                break;
            default:
                // Python prints generators, functions and the loop object with a memory address: nothing a template
                // can rely on, so it is an error here rather than a made-up text.
                throw new ChatTemplateRenderException($"printing a {TypeDescription(value)} is not supported");
        }
    }

    private static void AppendItems(StringBuilder builder, IEnumerable<object?> items)
    {
        var first = true;
        foreach (var item in items)
        {
            if (!first)
                builder.Append(", ");
            first = false;
            AppendRepr(builder, item);
        }
    }

    /// <summary>Python's string repr: single quotes unless the text has a ' and no ", non-printables escaped.</summary>
    private static void AppendStringRepr(StringBuilder builder, string s)
    {
        var quote = s.Contains('\'') && !s.Contains('"') ? '"' : '\'';
        builder.Append(quote);
        foreach (var rune in s.EnumerateRunes())
        {
            var c = rune.Value;
            if (c == quote || c == '\\')
                builder.Append('\\').Append((char)c);
            else if (c == '\n')
                builder.Append("\\n");
            else if (c == '\r')
                builder.Append("\\r");
            else if (c == '\t')
                builder.Append("\\t");
            else if (IsPrintable(rune))
                builder.Append(rune.ToString());
            else if (c < 0x100)
                builder.Append("\\x").Append(c.ToString("x2", CultureInfo.InvariantCulture));
            else if (c < 0x10000)
                builder.Append("\\u").Append(c.ToString("x4", CultureInfo.InvariantCulture));
            else
                builder.Append("\\U").Append(c.ToString("x8", CultureInfo.InvariantCulture));
        }

        builder.Append(quote);
    }

    // Python's str.isprintable: everything but the "Other" and "Separator" categories, except the space.
    private static bool IsPrintable(Rune rune)
    {
        if (rune.Value == ' ')
            return true;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator or UnicodeCategory.SpaceSeparator => false,
            _ => true,
        };
    }

    /// <summary>Python's float repr: the shortest digits that round-trip, fixed for 1e-4 ≤ |x| &lt; 1e16, else "1e+16".</summary>
    public static string Float(double value)
    {
        if (double.IsNaN(value))
            return "nan";
        if (double.IsInfinity(value))
            return value > 0 ? "inf" : "-inf";
        if (value == 0)
            return double.IsNegative(value) ? "-0.0" : "0.0";

        // "R" gives the shortest round-trip digits, as "1.2345E+17" or "0.0001"; take its digits and exponent.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = text[0] == '-';
        if (negative)
            text = text[1..];
        var exponent = 0;
        var e = text.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(text[(e + 1)..], CultureInfo.InvariantCulture);
            text = text[..e];
        }

        var dot = text.IndexOf('.');
        var integerDigits = dot < 0 ? text.Length : dot;
        var digits = text.Replace(".", "", StringComparison.Ordinal);
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        // value = 0.digits × 10^pointPosition
        var pointPosition = integerDigits + exponent - leadingZeros;
        var scientific = pointPosition - 1;

        var result = new StringBuilder();
        if (negative)
            result.Append('-');
        if (scientific is >= -4 and < 16)
        {
            if (pointPosition <= 0)
            {
                result.Append("0.").Append('0', -pointPosition).Append(digits);
            }
            else if (pointPosition >= digits.Length)
            {
                result.Append(digits).Append('0', pointPosition - digits.Length).Append(".0");
            }
            else
            {
                result.Append(digits, 0, pointPosition).Append('.').Append(digits, pointPosition, digits.Length - pointPosition);
            }
        }
        else
        {
            result.Append(digits[0]);
            if (digits.Length > 1)
                result.Append('.').Append(digits, 1, digits.Length - 1);
            result.Append('e').Append(scientific < 0 ? '-' : '+')
                .Append(Math.Abs(scientific).ToString("00", CultureInfo.InvariantCulture));
        }

        return result.ToString();
    }

    /// <summary>Jinja's object_type_repr: "dict object", "None", "str object", for undefined messages.</summary>
    public static string TypeDescription(object? value) => value switch
    {
        null => "None",
        // Jinja's own classes are named with their module.
        Namespace => "jinja2.utils.Namespace object",
        LoopContext => "jinja2.runtime.LoopContext object",
        Rendering.MacroValue => "jinja2.runtime.Macro object",
        _ => TypeName(value) + " object",
    };

    /// <summary>Python's type name of a value.</summary>
    public static string TypeName(object? value) => value switch
    {
        null => "NoneType",
        bool => "bool",
        long => "int",
        double => "float",
        string => "str",
        List<object?> => "list",
        PyTuple => "tuple",
        PyDict => "dict",
        Namespace => "Namespace",
        PyRange => "range",
        PyIterator it => it.TypeName,
        PyDictView view => view.TypeName,
        Undefined => "Undefined",
        LoopContext => "LoopContext",
        _ => "function",
    };
}
