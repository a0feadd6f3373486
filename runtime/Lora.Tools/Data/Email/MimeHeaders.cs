namespace Lora.Tools.Data.Email;

/// <summary>
/// The header block of a message or MIME part: folded lines joined, names case-insensitive, the first
/// occurrence of a name kept. Text is one char per byte (Latin-1), as <see cref="MimePart"/> reads it.
/// </summary>
public sealed class MimeHeaders
{
    private readonly Dictionary<string, string> _values;

    private MimeHeaders(Dictionary<string, string> values) => _values = values;

    /// <summary>Reads header lines (LF-separated) up to the first empty line; returns the headers and where the body starts.</summary>
    public static (MimeHeaders Headers, int BodyStart) Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? current = null;
        int position = 0;
        while (position < text.Length)
        {
            int end = text.IndexOf('\n', position);
            string line = end < 0 ? text[position..] : text[position..end];
            position = end < 0 ? text.Length : end + 1;
            if (line.Length == 0) break;
            if (line[0] is ' ' or '\t')
            {
                // A folded continuation of the header above it.
                if (current is not null) values[current] += " " + line.Trim();
                continue;
            }
            int colon = line.IndexOf(':');
            // An mbox "From " separator line or a malformed line: not a header, and nothing continues it.
            if (colon <= 0 || line[..colon].Contains(' '))
            {
                current = null;
                continue;
            }
            string name = line[..colon];
            current = values.TryAdd(name, line[(colon + 1)..].Trim()) ? name : null;
        }
        return (new MimeHeaders(values), position);
    }

    /// <summary>The header's unfolded value, or null when the header is absent.</summary>
    public string? this[string name] => _values.TryGetValue(name, out var value) ? value : null;
}
