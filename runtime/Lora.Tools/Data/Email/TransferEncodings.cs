namespace Lora.Tools.Data.Email;

/// <summary>Content-Transfer-Encoding decoders (RFC 2045): quoted-printable and base64 to bytes; anything else as is.</summary>
public static class TransferEncodings
{
    /// <summary>The bytes a part's body stands for. <paramref name="body"/> holds one char per byte (Latin-1).</summary>
    public static byte[] Decode(string body, string? encoding) => encoding?.Trim().ToLowerInvariant() switch
    {
        "quoted-printable" => QuotedPrintable(body),
        "base64" => Base64(body),
        _ => System.Text.Encoding.Latin1.GetBytes(body),
    };

    /// <summary>
    /// "=XX" is the byte 0xXX; "=" at the end of a line is a soft line break and joins the lines. A malformed
    /// "=" sequence is kept literally, as RFC 2045 advises robust decoders to do.
    /// </summary>
    public static byte[] QuotedPrintable(string body)
    {
        var bytes = new List<byte>(body.Length);
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c != '=')
            {
                bytes.Add((byte)c);
                continue;
            }
            int next = i + 1;
            // Soft line break: "=" followed by optional trailing blanks and the end of the line.
            while (next < body.Length && body[next] is ' ' or '\t') next++;
            if (next >= body.Length || body[next] == '\n')
            {
                i = next;
                continue;
            }
            if (i + 2 < body.Length && IsHex(body[i + 1]) && IsHex(body[i + 2]))
            {
                bytes.Add(Convert.ToByte(body.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }
            bytes.Add((byte)'=');
        }
        return bytes.ToArray();
    }

    /// <summary>Base64 with line breaks and stray characters ignored; a truncated tail is dropped.</summary>
    public static byte[] Base64(string body)
    {
        var clean = new System.Text.StringBuilder(body.Length);
        foreach (char c in body)
            if (char.IsAsciiLetterOrDigit(c) || c is '+' or '/') clean.Append(c);
        // Padding is re-added: some mailers drop it, and a last group of 1 character carries no whole byte.
        int remainder = clean.Length % 4;
        if (remainder == 1) clean.Length--;
        else if (remainder > 1) clean.Append('=', 4 - remainder);
        return Convert.FromBase64String(clean.ToString());
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);
}
