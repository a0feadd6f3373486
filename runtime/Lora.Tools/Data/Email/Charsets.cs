using System.Text;

namespace Lora.Tools.Data.Email;

/// <summary>
/// Bytes to text by a MIME charset name. Mail in the wild declares charsets loosely: "us-ascii" over 8-bit
/// text, "default", or none at all; those are read as UTF-8 when the bytes are valid UTF-8, else as
/// windows-1252 (a superset of ISO-8859-1's printable characters). Unknown names fall back the same way.
/// </summary>
public static class Charsets
{
    private static readonly Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    static Charsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static string Decode(byte[] bytes, string? charset)
    {
        if (Named(charset) is { } encoding) return encoding.GetString(bytes);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            return Encoding.GetEncoding(1252).GetString(bytes);
        }
    }

    /// <summary>The encoding a specific charset name stands for; null for names that say nothing reliable.</summary>
    private static Encoding? Named(string? charset)
    {
        string name = (charset ?? "").Trim().Trim('"').ToLowerInvariant();
        if (name is "" or "us-ascii" or "ascii" or "default" or "default_charset" or "unknown-8bit" or "x-unknown") return null;
        // iso-8859-1 mail is very often windows-1252 in practice (curly quotes in 0x80-0x9F); 1252 decodes both.
        if (name is "iso-8859-1" or "iso8859-1" or "latin1" or "latin-1") return Encoding.GetEncoding(1252);
        try
        {
            return Encoding.GetEncoding(name);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }
}
