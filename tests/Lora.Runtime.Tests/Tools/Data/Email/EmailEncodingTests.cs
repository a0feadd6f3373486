using System.Text;
using Lora.Tools.Data.Email;

namespace Lora.Runtime.Tests.Tools.Data.Email;

/// <summary>Transfer encodings, charsets and encoded-word subjects decoded to the right text.</summary>
public class EmailEncodingTests
{
    static EmailContent Read(string message) => EmailText.Read(Encoding.Latin1.GetBytes(message));

    [Fact]
    public void Quoted_printable_soft_line_breaks_join_lines_and_hex_escapes_become_bytes()
    {
        // "=" at a line end (even before trailing blanks) joins the lines; "=3D" is "=", "=20" a space.
        var email = Read("Content-Type: text/plain\nContent-Transfer-Encoding: quoted-printable\n\n" +
                         "A very long line that the mailer wra=\npped; 2 + 2 =3D 4.=20\nEnds with a so=  \nft break.\n");

        Assert.Equal("A very long line that the mailer wrapped; 2 + 2 = 4. Ends with a soft break.", email.Body);
    }

    [Fact]
    public void A_malformed_quoted_printable_escape_is_kept_literally()
    {
        Assert.Equal("50% =ZZ off"u8.ToArray(), TransferEncodings.QuotedPrintable("50% =ZZ off"));
    }

    [Fact]
    public void A_base64_text_part_is_decoded()
    {
        // "SGVsbG8sIGJhc2U2NCB3b3JsZCE=" is base64 of "Hello, base64 world!", split over two lines.
        var email = Read("""
            Content-Type: multipart/mixed; boundary=x

            --x
            Content-Type: text/plain; charset="utf-8"
            Content-Transfer-Encoding: base64

            SGVsbG8sIGJhc2U2
            NCB3b3JsZCE=
            --x--
            """);

        Assert.Equal("Hello, base64 world!", email.Body);
    }

    [Fact]
    public void Base64_without_padding_still_decodes()
    {
        // "aGk" is "hi" with its "=" padding dropped.
        Assert.Equal("hi"u8.ToArray(), TransferEncodings.Base64("aGk"));
    }

    [Fact]
    public void Iso_8859_1_bytes_decode_to_their_characters()
    {
        // 0xE9 is "é" and 0xE4 "ä" in ISO-8859-1; the same text quoted-printable in a second message.
        var raw = Read("Content-Type: text/plain; charset=ISO-8859-1\nContent-Transfer-Encoding: 8bit\n\nCaf\u00E9 in Skytt\u00E4\n");
        var quoted = Read("Content-Type: text/plain; charset=\"iso-8859-1\"\nContent-Transfer-Encoding: quoted-printable\n\nCaf=E9 in Skytt=E4\n");

        Assert.Equal("Café in Skyttä", raw.Body);
        Assert.Equal("Café in Skyttä", quoted.Body);
    }

    [Fact]
    public void Utf8_bytes_under_an_undeclared_charset_are_read_as_utf8()
    {
        byte[] message = [.. "Content-Type: text/plain\n\nna"u8, .. Encoding.UTF8.GetBytes("\u00EF"), .. "ve\n"u8];

        Assert.Equal("naïve", EmailText.Read(message).Body);
    }

    [Fact]
    public void Encoded_word_subjects_are_decoded()
    {
        // Q: "_" is a space, "=E9" is "é" in ISO-8859-1. B: "Q2Fmw6k=" is UTF-8 "Café". Blanks between words vanish.
        var q = Read("Subject: =?ISO-8859-1?Q?Caf=E9_ouvert?=\n\nx\n");
        var b = Read("Subject: Re: =?utf-8?B?Q2Fmw6k=?= =?utf-8?Q?_ouvert?= today\n\nx\n");

        Assert.Equal("Café ouvert", q.Subject);
        Assert.Equal("Re: Café ouvert today", b.Subject);
    }

    [Fact]
    public void Whitespace_runs_collapse_and_control_characters_vanish()
    {
        Assert.Equal("a b c", EmailText.Collapse("  a \t\n\n b\u00A0\u0001 c \r\n"));
    }

    [Fact]
    public void Clipping_never_splits_a_surrogate_pair()
    {
        // "ab😀" is a, b and one emoji stored as two chars; 3 chars would end inside the emoji.
        Assert.Equal("ab", EmailText.Clip("ab\U0001F600", 3));
        Assert.Equal("ab\U0001F600", EmailText.Clip("ab\U0001F600", 4));
    }
}
