using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace Lora.Runtime.ChatTemplates.Values;

/// <summary>Python's <c>'text %s' % value</c> for the plain conversions (%s %r %d %i %f %%), without flags or widths.</summary>
internal static class PrintfFormat
{
    public static string Format(string format, object? arguments)
    {
        IReadOnlyList<object?> values = arguments is PyTuple tuple ? tuple.Items : [arguments];
        var builder = new StringBuilder();
        var next = 0;
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%')
            {
                builder.Append(format[i]);
                continue;
            }

            if (++i >= format.Length)
                throw new ChatTemplateRenderException("incomplete format");
            var conversion = format[i];
            if (conversion == '%')
            {
                builder.Append('%');
                continue;
            }

            if (next >= values.Count)
                throw new ChatTemplateRenderException("not enough arguments for format string");
            var value = values[next++];
            builder.Append(conversion switch
            {
                's' => PyFormat.Str(value),
                'r' => PyFormat.Repr(value),
                'd' or 'i' => value switch
                {
                    bool b => b ? "1" : "0",
                    long l => l.ToString(CultureInfo.InvariantCulture),
                    double d => Math.Truncate(d).ToString("F0", CultureInfo.InvariantCulture),
                    _ => throw new ChatTemplateRenderException($"%{conversion} format: a real number is required, not {PyFormat.TypeName(value)}"),
                },
                'f' => value switch
                {
                    bool or long or double => Convert.ToDouble(value is bool b ? (b ? 1 : 0) : value, CultureInfo.InvariantCulture)
                        .ToString("F6", CultureInfo.InvariantCulture),
                    _ => throw new ChatTemplateRenderException($"must be real number, not {PyFormat.TypeName(value)}"),
                },
                _ => throw new ChatTemplateRenderException($"string formatting '%{conversion}' is not supported"),
            });
        }

        // Python only complains about unused arguments when the right side is not mapping-like (a list, dict,
        // range or undefined has __getitem__ and counts as one).
        if (next < values.Count && arguments is not (List<object?> or PyDict or PyRange or Undefined))
            throw new ChatTemplateRenderException("not all arguments converted during string formatting");
        return builder.ToString();
    }
}
