using System.Text;

namespace Lora.Tools.Data.Email;

/// <summary>
/// A raw RFC 822 email reduced to its subject and body text: every header but Subject dropped; MIME parts
/// decoded (quoted-printable, base64, charsets); in multipart/alternative the text/plain part preferred;
/// HTML reduced to text; attachments and non-text parts skipped; whitespace collapsed to single spaces.
/// </summary>
public static class EmailText
{
    // Nesting deeper than this is malformed or hostile mail; its inner parts are ignored.
    private const int MaxDepth = 8;

    /// <summary>Reads an email from its bytes as stored on disk.</summary>
    public static EmailContent Read(byte[] raw)
    {
        var message = MimePart.Parse(Encoding.Latin1.GetString(raw));
        string subject = EncodedWords.Decode(message.Headers["Subject"] ?? "");
        return new EmailContent(Collapse(subject), Collapse(BodyText(message, 0)));
    }

    /// <summary>Runs of whitespace become one space, control characters are dropped, ends are trimmed.</summary>
    public static string Collapse(string text)
    {
        var result = new StringBuilder(text.Length);
        bool pendingSpace = false;
        foreach (char c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = result.Length > 0;
                continue;
            }
            if (char.IsControl(c) || c == '\uFFFD' || c == '\uFEFF') continue;
            if (pendingSpace) result.Append(' ');
            pendingSpace = false;
            result.Append(c);
        }
        return result.ToString();
    }

    /// <summary>At most <paramref name="maxChars"/> characters, never ending inside a surrogate pair.</summary>
    public static string Clip(string text, int maxChars)
    {
        if (text.Length <= maxChars) return text;
        int length = char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars;
        return text[..length].TrimEnd();
    }

    private static string BodyText(MimePart part, int depth)
    {
        if (depth > MaxDepth || part.IsAttachment) return "";
        string type = part.ContentType.MediaType;
        if (type == "multipart/alternative") return PreferPlainText(part, depth);
        if (part.ContentType.IsMultipart)
            return string.Join(" ", part.Parts().Select(p => BodyText(p, depth + 1)).Where(t => t.Length > 0));
        if (type == "message/rfc822") return BodyText(MimePart.Parse(Encoding.Latin1.GetString(part.DecodedBytes())), depth + 1);
        if (type is not ("text/plain" or "text/html" or "text/enriched")) return "";
        string text = part.DecodedText();
        return type != "text/plain" || HtmlText.LooksLikeHtml(text) ? HtmlText.ToText(text) : text;
    }

    private static string PreferPlainText(MimePart part, int depth)
    {
        var texts = part.Parts().Select(p => (p.ContentType.MediaType, Text: BodyText(p, depth + 1)))
            .Where(t => !string.IsNullOrWhiteSpace(t.Text)).ToList();
        return texts.FirstOrDefault(t => t.MediaType == "text/plain").Text ?? texts.FirstOrDefault().Text ?? "";
    }
}
