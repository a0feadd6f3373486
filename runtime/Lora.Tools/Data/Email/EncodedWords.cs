using System.Text.RegularExpressions;

namespace Lora.Tools.Data.Email;

/// <summary>RFC 2047 encoded words in headers: <c>=?charset?Q?text?=</c> and <c>=?charset?B?text?=</c>.</summary>
public static partial class EncodedWords
{
    [GeneratedRegex(@"=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=")]
    private static partial Regex EncodedWord();

    [GeneratedRegex(@"(=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)")]
    private static partial Regex SpaceBetweenEncodedWords();

    /// <summary>
    /// Decodes a header value held as one char per byte: raw 8-bit bytes by <see cref="Charsets"/>, then each
    /// encoded word by its own charset. Blanks between two adjacent encoded words are dropped, as RFC 2047 says.
    /// </summary>
    public static string Decode(string rawHeader)
    {
        string text = rawHeader.Any(c => c > 127) ? Charsets.Decode(System.Text.Encoding.Latin1.GetBytes(rawHeader), null) : rawHeader;
        text = SpaceBetweenEncodedWords().Replace(text, "$1");
        return EncodedWord().Replace(text, m =>
        {
            string charset = m.Groups[1].Value.Split('*')[0];
            string payload = m.Groups[3].Value;
            byte[] bytes = m.Groups[2].Value is "B" or "b"
                ? TransferEncodings.Base64(payload)
                : TransferEncodings.QuotedPrintable(payload.Replace('_', ' '));
            return Charsets.Decode(bytes, charset);
        });
    }
}
