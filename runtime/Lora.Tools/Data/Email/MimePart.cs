namespace Lora.Tools.Data.Email;

/// <summary>
/// One entity of an RFC 822 / MIME message: its headers and its still-encoded body. The text is one char per
/// byte (Latin-1) with LF line ends, so that charsets are applied only after transfer decoding.
/// </summary>
public sealed class MimePart
{
    private MimePart(MimeHeaders headers, string body)
    {
        Headers = headers;
        Body = body;
        ContentType = ContentType.Parse(headers["Content-Type"]);
    }

    public MimeHeaders Headers { get; }
    public ContentType ContentType { get; }

    /// <summary>The body as it is in the message: transfer-encoded, one char per byte.</summary>
    public string Body { get; }

    /// <summary>Content-Disposition: attachment (a file the sender attached, not the message text).</summary>
    public bool IsAttachment => Headers["Content-Disposition"]?.TrimStart().StartsWith("attachment", StringComparison.OrdinalIgnoreCase) == true;

    /// <summary>Parses a whole message or part; CRLF and lone CR line ends become LF.</summary>
    public static MimePart Parse(string text)
    {
        text = text.Replace("\r\n", "\n").Replace('\r', '\n');
        var (headers, bodyStart) = MimeHeaders.Parse(text);
        return new MimePart(headers, text[bodyStart..]);
    }

    /// <summary>
    /// The parts of a multipart body, between "--boundary" lines up to "--boundary--"; the preamble and epilogue
    /// are dropped. A multipart whose boundary never appears has no parts.
    /// </summary>
    public IReadOnlyList<MimePart> Parts()
    {
        if (!ContentType.IsMultipart || ContentType.Boundary is not { Length: > 0 } boundary) return [];
        string delimiter = "--" + boundary;
        var parts = new List<MimePart>();
        System.Text.StringBuilder? current = null;
        foreach (var line in Body.Split('\n'))
        {
            string trimmed = line.TrimEnd();
            if (trimmed == delimiter || trimmed == delimiter + "--")
            {
                if (current is not null) parts.Add(Parse(current.ToString()));
                if (trimmed.Length > delimiter.Length) return parts;
                current = new System.Text.StringBuilder();
                continue;
            }
            current?.Append(line).Append('\n');
        }
        // A missing closing delimiter (truncated mail): keep the last part.
        if (current is not null) parts.Add(Parse(current.ToString()));
        return parts;
    }

    /// <summary>The body's bytes with the transfer encoding undone.</summary>
    public byte[] DecodedBytes() => TransferEncodings.Decode(Body, Headers["Content-Transfer-Encoding"]);

    /// <summary>The body as text: transfer encoding undone, then the declared charset applied.</summary>
    public string DecodedText() => Charsets.Decode(DecodedBytes(), ContentType.Charset);
}
