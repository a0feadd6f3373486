using System.Text;
using Lora.Tools.Data.Email;

namespace Lora.Runtime.Tests.Tools.Data.Email;

/// <summary>HTML bodies reduced to the text a reader sees.</summary>
public class HtmlTextTests
{
    [Fact]
    public void An_html_only_email_is_reduced_to_its_visible_text()
    {
        var email = EmailText.Read(Encoding.Latin1.GetBytes("""
            Subject: Deal
            Content-Type: text/html; charset="us-ascii"

            <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.0 Transitional//EN">
            <html><head><title>Ignored title</title>
            <style type="text/css">body { color: red; }</style>
            <script language="javascript">var hidden = "not text";</script>
            </head>
            <body><!-- tracking comment -->
            <table><tr><td>Save&nbsp;70%</td><td>on <a href="http://x.example">F<b>REE</b> quotes</a></td></tr></table>
            <p>Fish &amp; chips &#8212; &lt;now&gt;</p>
            </body></html>
            """));

        Assert.Equal("Save 70% on FREE quotes Fish & chips \u2014 <now>", email.Body);
    }

    [Fact]
    public void An_element_without_its_end_tag_loses_only_the_tag()
    {
        Assert.Equal("Hello there", EmailText.Collapse(HtmlText.ToText("<HEAD><META name=x><BODY>Hello <I>there")));
    }

    [Fact]
    public void Conditional_comments_and_processing_instructions_vanish()
    {
        Assert.Equal("Text", EmailText.Collapse(HtmlText.ToText("<![if !vml]><?xml version=\"1.0\"?>Text<![endif]>")));
    }

    [Fact]
    public void A_less_than_sign_in_prose_is_not_a_tag()
    {
        Assert.Equal("3 < 4 and 5 > 2", EmailText.Collapse(HtmlText.ToText("3 < 4 and 5 > 2")));
    }
}
