using System.Security.Cryptography;
using Lora.Tools.Data.Email;

namespace Lora.Runtime.Tests.Tools.Data.Email;

/// <summary>The four checked-in real emails read to the expected subject and body text.</summary>
public class SpamAssassinEmailsTests
{
    [Theory]
    [InlineData("easy-ham-1", "01280.08e69f637d901fab10aec6c9492d068e.txt")]
    [InlineData("easy-ham-2", "01048.a49961e63ff773b8164033ae01a22d80.txt")]
    [InlineData("spam-1", "00001.7848dde101aa985090474a91ec93fcf0.txt")]
    [InlineData("spam-2", "00538.46858b6122a85685022250db2f25b32a.txt")]
    public void Each_file_is_byte_identical_to_the_corpus_whose_md5_names_it(string group, string fileName)
    {
        string md5 = Convert.ToHexStringLower(MD5.HashData(EmailTestData.Bytes(group, fileName)));

        Assert.Equal(fileName.Split('.')[1], md5);
    }

    [Fact]
    public void Iso_8859_1_ham_keeps_its_accented_name()
    {
        var email = EmailText.Read(EmailTestData.Bytes("easy-ham-1", "01280.08e69f637d901fab10aec6c9492d068e.txt"));

        Assert.Equal("Nessus?", email.Subject);
        Assert.Equal("Any plans for rolling Nessus RPMs for RH8? Miss it already... -- \\/ille Skyttä ville.skytta at iki.fi " +
                     "_______________________________________________ RPM-List mailing list <RPM-List@freshrpms.net> " +
                     "http://lists.freshrpms.net/mailman/listinfo/rpm-list", email.Body);
    }

    [Fact]
    public void Encoded_word_subject_is_decoded_and_headers_are_gone()
    {
        var email = EmailText.Read(EmailTestData.Bytes("easy-ham-2", "01048.a49961e63ff773b8164033ae01a22d80.txt"));

        Assert.Equal("FW: Re: Al Qaeda's Fantasy Ideology", email.Subject);
        // The body quotes the forwarded message's own header lines; the envelope headers are dropped.
        Assert.StartsWith("-----Original Message----- From: Damien Morton [mailto:damien.morton@acm.org]", email.Body);
        Assert.DoesNotContain("Return-Path", email.Body);
        Assert.DoesNotContain("Received:", email.Body);
    }

    [Fact]
    public void Html_quoted_printable_spam_is_plain_text()
    {
        var email = EmailText.Read(EmailTestData.Bytes("spam-1", "00001.7848dde101aa985090474a91ec93fcf0.txt"));

        Assert.Equal("Life Insurance - Why Pay More?", email.Subject);
        Assert.StartsWith("Save up to 70% on Life Insurance. Why Spend More Than You Have To? Life Quote Savings Ensuring your family's " +
                          "financial security is very important.", email.Body);
        Assert.DoesNotContain("<", email.Body);
        Assert.DoesNotContain("=3D", email.Body);
        Assert.DoesNotContain("MSHTML", email.Body);
    }

    [Fact]
    public void Base64_text_part_of_a_multipart_spam_is_decoded()
    {
        var email = EmailText.Read(EmailTestData.Bytes("spam-2", "00538.46858b6122a85685022250db2f25b32a.txt"));

        Assert.Equal("The instant drugstore 6537DW-6", email.Subject);
        Assert.StartsWith("(%rand%) From the privacy of your home All your perscription needs easily Everything from sexual aids to diet aids " +
                          "Doctor office visits not required Available 24X7 http://www.quickrxmeds.com/main2.php?rx=16356", email.Body);
    }
}
