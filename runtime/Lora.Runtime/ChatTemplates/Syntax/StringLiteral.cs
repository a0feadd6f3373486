using System;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Lora.Runtime.ChatTemplates.Syntax;

/// <summary>Python's escapes in a template string literal: \n, \t, \\, \', \xHH, \uHHHH, \UHHHHHHHH, octal.</summary>
internal static class StringLiteral
{
    /// <summary>Resolves the escapes of a literal's body; an unknown escape keeps its backslash, as Python does.</summary>
    public static string Unescape(string body, Func<string, Exception> error)
    {
        if (!body.Contains('\\'))
            return body;
        var builder = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\' || i + 1 >= body.Length)
            {
                builder.Append(c);
                continue;
            }

            var next = body[++i];
            switch (next)
            {
                case '\n': break;
                case '\\': builder.Append('\\'); break;
                case '\'': builder.Append('\''); break;
                case '"': builder.Append('"'); break;
                case 'a': builder.Append('\a'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'n': builder.Append('\n'); break;
                case 'r': builder.Append('\r'); break;
                case 't': builder.Append('\t'); break;
                case 'v': builder.Append('\v'); break;
                case 'x': builder.Append(Hex(body, ref i, 2, error)); break;
                case 'u': builder.Append(Hex(body, ref i, 4, error)); break;
                case 'U': builder.Append(Hex(body, ref i, 8, error)); break;
                case 'N': throw error("\\N{...} escapes are not supported");
                case >= '0' and <= '7':
                    var value = next - '0';
                    for (var n = 0; n < 2 && i + 1 < body.Length && body[i + 1] is >= '0' and <= '7'; n++)
                        value = (value * 8) + (body[++i] - '0');
                    builder.Append(char.ConvertFromUtf32(value));
                    break;
                default:
                    builder.Append('\\').Append(next);
                    break;
            }
        }

        return builder.ToString();
    }

    private static string Hex(string body, ref int i, int digits, Func<string, Exception> error)
    {
        var hex = body.Substring(i + 1, Math.Min(digits, body.Length - i - 1));
        if (hex.Length != digits || !int.TryParse(hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
            throw error($"truncated \\{body[i]} escape");
        i += digits;
        return char.ConvertFromUtf32(code);
    }
}
