using System.Linq;
using System.Text;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates.Rendering;

/// <summary>
/// Python's <c>str.format</c> for plain replacement fields: <c>{}</c>, <c>{0}</c>, <c>{name}</c>, <c>{name.attr}</c>,
/// <c>{{</c> and <c>}}</c>. Format specs and conversions (<c>{:>10}</c>, <c>{!r}</c>) are refused rather than guessed.
/// </summary>
internal static class StringFormat
{
    public static string Format(string format, CallArguments arguments)
    {
        var builder = new StringBuilder();
        var automatic = 0;
        for (var i = 0; i < format.Length; i++)
        {
            var c = format[i];
            if (c == '}' )
            {
                if (i + 1 < format.Length && format[i + 1] == '}')
                {
                    builder.Append('}');
                    i++;
                    continue;
                }

                throw new ChatTemplateRenderException("Single '}' encountered in format string");
            }

            if (c != '{')
            {
                builder.Append(c);
                continue;
            }

            if (i + 1 < format.Length && format[i + 1] == '{')
            {
                builder.Append('{');
                i++;
                continue;
            }

            var close = format.IndexOf('}', i + 1);
            if (close < 0)
                throw new ChatTemplateRenderException("Single '{' encountered in format string");
            var field = format[(i + 1)..close];
            if (field.IndexOfAny([':', '!', '[']) >= 0)
                throw new ChatTemplateRenderException($"str.format: the field '{{{field}}}' (format specs, conversions, indexing) is not supported");
            var path = field.Split('.');
            object? value;
            if (path[0].Length == 0)
                value = Positional(arguments, automatic++);
            else if (int.TryParse(path[0], out var index))
                value = Positional(arguments, index);
            else
                value = arguments.Named.FirstOrDefault(p => p.Key == path[0]) is { Key: not null } named
                    ? named.Value
                    : throw new ChatTemplateRenderException($"KeyError: {PyFormat.Repr(path[0])}");
            foreach (var attribute in path.Skip(1))
                value = MemberAccess.GetAttribute(value, attribute);
            builder.Append(PyFormat.Str(value));
            i = close;
        }

        return builder.ToString();
    }

    private static object? Positional(CallArguments arguments, int index) =>
        index < arguments.Positional.Count
            ? arguments.Positional[index]
            : throw new ChatTemplateRenderException($"Replacement index {index} out of range for positional args tuple");
}
