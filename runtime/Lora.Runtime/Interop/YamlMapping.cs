using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lora.Runtime.Interop;

/// <summary>
/// A small YAML writer for configuration files: an ordered mapping whose values are scalars (string, bool, int, double),
/// lists of strings, lists of mappings, or mappings. Strings are written as JSON strings, which YAML reads as double-quoted
/// scalars, so no value can be misread as a number, a boolean or a comment.
/// </summary>
public sealed class YamlMapping
{
    readonly List<(string Key, object Value)> _entries = [];

    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    public object? this[string key] => _entries.FirstOrDefault(e => e.Key == key).Value;

    public YamlMapping Add(string key, object value)
    {
        if (_entries.Any(e => e.Key == key)) throw new InvalidOperationException($"'{key}' is written twice.");
        _entries.Add((key, value));
        return this;
    }

    public string Write(IEnumerable<string>? headerComments = null)
    {
        var text = new StringBuilder();
        foreach (var comment in headerComments ?? []) text.Append("# ").Append(comment).Append('\n');
        Write(text, this, 0);
        return text.ToString();
    }

    static void Write(StringBuilder text, YamlMapping mapping, int indent, bool firstInListItem = false)
    {
        bool first = true;
        foreach (var (key, value) in mapping._entries)
        {
            if (!(first && firstInListItem)) text.Append(' ', indent);
            first = false;
            text.Append(key).Append(':');
            switch (value)
            {
                case YamlMapping nested:
                    text.Append('\n');
                    Write(text, nested, indent + 2);
                    break;
                case IEnumerable<YamlMapping> items:
                    text.Append('\n');
                    foreach (var item in items)
                    {
                        text.Append(' ', indent + 2).Append("- ");
                        Write(text, item, indent + 4, firstInListItem: true);
                    }
                    break;
                case IEnumerable<string> strings:
                    text.Append('\n');
                    foreach (var s in strings) text.Append(' ', indent + 2).Append("- ").Append(Scalar(s)).Append('\n');
                    break;
                default:
                    text.Append(' ').Append(Scalar(value)).Append('\n');
                    break;
            }
        }
    }

    /// <summary>Shortest round-trip form, with a point before any exponent: YAML 1.1 readers (PyYAML) take 1E-08 for a string, 1.0E-08 for a float.</summary>
    static string Number(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        int e = text.IndexOf('E');
        return e > 0 && !text.Contains('.') ? text[..e] + ".0" + text[e..] : text;
    }

    static string Scalar(object value) => value switch
    {
        string s => JsonSerializer.Serialize(s),
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        double d => Number(d),
        _ => throw new ArgumentException($"YAML value of type {value.GetType().Name} is not supported."),
    };
}
