using System.Text;
using Lora.Tools.Data.Email;

namespace Lora.Runtime.Tests.Tools.Data.Email;

/// <summary>Which parts of a MIME message become the body text, and which headers survive.</summary>
public class EmailMimeTests
{
    static EmailContent Read(string message) => EmailText.Read(Encoding.Latin1.GetBytes(message));

    [Fact]
    public void Headers_are_dropped_and_the_subject_is_kept()
    {
        var email = Read("""
            From sender@example.com  Thu Aug 22 13:17:22 2002
            Return-Path: <sender@example.com>
            Received: from mail.example.com (mail [10.0.0.1])
            	by relay.example.org with ESMTP id 12345
            From: Sender <sender@example.com>
            To: someone@example.org
            Subject: Quarterly
             report attached
            X-Mailer: Outlook

            The numbers look fine.
            """);

        Assert.Equal("Quarterly report attached", email.Subject);
        Assert.Equal("The numbers look fine.", email.Body);
    }

    [Fact]
    public void A_message_without_subject_has_an_empty_one()
    {
        var email = Read("From: a@example.com\n\nJust a body.\n");

        Assert.Equal("", email.Subject);
        Assert.Equal("Just a body.", email.Body);
    }

    [Fact]
    public void Multipart_alternative_picks_the_text_plain_part()
    {
        var email = Read("""
            Subject: Offer
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="==b1=="

            This is a multi-part message in MIME format.
            --==b1==
            Content-Type: text/html; charset=us-ascii

            <html><body><p>The <b>HTML</b> version</p></body></html>
            --==b1==
            Content-Type: text/plain; charset=us-ascii

            The plain version
            --==b1==--
            epilogue text
            """);

        Assert.Equal("The plain version", email.Body);
    }

    [Fact]
    public void Multipart_alternative_with_an_empty_plain_part_falls_back_to_the_html()
    {
        var email = Read("""
            Content-Type: multipart/alternative; boundary=sep

            --sep
            Content-Type: text/plain


            --sep
            Content-Type: text/html

            <p>Only here</p>
            --sep--
            """);

        Assert.Equal("Only here", email.Body);
    }

    [Fact]
    public void Multipart_mixed_joins_its_text_parts_and_skips_attachments_and_images()
    {
        var email = Read("""
            Content-Type: multipart/mixed; boundary="outer"

            --outer
            Content-Type: multipart/alternative; boundary="inner"

            --inner
            Content-Type: text/plain

            First part.
            --inner
            Content-Type: text/html

            <p>First part as HTML.</p>
            --inner--

            --outer
            Content-Type: image/gif; name="logo.gif"
            Content-Transfer-Encoding: base64

            R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=
            --outer
            Content-Type: text/plain; name="notes.txt"
            Content-Disposition: attachment; filename="notes.txt"

            Attached notes, not the message.
            --outer
            Content-Type: text/plain

            Second part.
            --outer--
            """);

        Assert.Equal("First part. Second part.", email.Body);
    }

    [Fact]
    public void A_forwarded_message_contributes_its_body_but_not_its_headers()
    {
        var email = Read("""
            Subject: Fwd: news
            Content-Type: multipart/mixed; boundary=b

            --b
            Content-Type: text/plain

            See below.
            --b
            Content-Type: message/rfc822

            From: other@example.com
            Subject: news
            Received: by host

            The forwarded text.
            --b--
            """);

        Assert.Equal("Fwd: news", email.Subject);
        Assert.Equal("See below. The forwarded text.", email.Body);
    }

    [Fact]
    public void Crlf_line_ends_read_like_lf()
    {
        var email = Read("Subject: Windows\r\nContent-Type: text/plain\r\n\r\nLine one\r\nLine two\r\n");

        Assert.Equal("Windows", email.Subject);
        Assert.Equal("Line one Line two", email.Body);
    }

    [Fact]
    public void A_plain_text_part_that_is_really_html_is_reduced()
    {
        var email = Read("Content-Type: text/plain\n\n<HTML><BODY><FONT size=3>Cheap <B>pills</B></FONT></BODY></HTML>\n");

        Assert.Equal("Cheap pills", email.Body);
    }
}
