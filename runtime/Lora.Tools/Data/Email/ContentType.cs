namespace Lora.Tools.Data.Email;

/// <summary>A parsed Content-Type header: the lower-case media type and its parameters (charset, boundary).</summary>
public sealed record ContentType(string MediaType, IReadOnlyDictionary<string, string> Parameters)
{
    /// <summary>RFC 2045's default for a part without a Content-Type header.</summary>
    public static readonly ContentType PlainText = new("text/plain", new Dictionary<string, string>());

    public string? Charset => Parameters.GetValueOrDefault("charset");
    public string? Boundary => Parameters.GetValueOrDefault("boundary");
    public bool IsMultipart => MediaType.StartsWith("multipart/", StringComparison.Ordinal);

    /// <summary>Parses <c>type/subtype; name=value; name="quoted value"</c>; a missing or malformed value is text/plain.</summary>
    public static ContentType Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header)) return PlainText;
        var pieces = SplitOutsideQuotes(header, ';');
        string mediaType = pieces[0].Trim().ToLowerInvariant();
        if (!mediaType.Contains('/')) mediaType = PlainText.MediaType;
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var piece in pieces.Skip(1))
        {
            int equals = piece.IndexOf('=');
            if (equals <= 0) continue;
            string name = piece[..equals].Trim();
            string value = piece[(equals + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"') value = value[1..^1];
            parameters.TryAdd(name, value);
        }
        return new ContentType(mediaType, parameters);
    }

    private static List<string> SplitOutsideQuotes(string text, char separator)
    {
        var pieces = new List<string>();
        bool quoted = false;
        int start = 0;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '"') quoted = !quoted;
            else if (text[i] == separator && !quoted)
            {
                pieces.Add(text[start..i]);
                start = i + 1;
            }
        }
        pieces.Add(text[start..]);
        return pieces;
    }
}
