using System.Net;
using System.Text.RegularExpressions;

namespace Lora.Tools.Data.Email;

/// <summary>
/// HTML reduced to its visible text: comments, scripts, styles and the head removed (an element whose end tag
/// is missing loses only its tags, never the rest of the document); block tags become a
/// space so that cells and paragraphs do not run together, inline tags (b, font, a, span) vanish so that
/// words split by markup stay whole; entities decoded. Whitespace is left for <see cref="EmailText"/> to collapse.
/// </summary>
public static partial class HtmlText
{
    [GeneratedRegex(@"<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex Comment();

    [GeneratedRegex(@"<(script|style|head|title)\b[^>]*>.*?</\1\s*>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InvisibleElement();

    [GeneratedRegex(@"</?(p|br|div|tr|td|th|li|ul|ol|table|tbody|thead|h[1-6]|hr|blockquote|center|body|html|pre|dd|dt|dl|form|option|select|img|frame|iframe)\b[^>]*>",
        RegexOptions.IgnoreCase)]
    private static partial Regex BlockTag();

    [GeneratedRegex(@"<[!/?]?[A-Za-z\[][^>]*>")]
    private static partial Regex AnyTag();

    [GeneratedRegex(@"<(html|body|head|table|div|font|br|p)\b", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlMarker();

    public static string ToText(string html)
    {
        string text = Comment().Replace(html, " ");
        text = InvisibleElement().Replace(text, " ");
        text = BlockTag().Replace(text, " ");
        text = AnyTag().Replace(text, "");
        return WebUtility.HtmlDecode(text);
    }

    /// <summary>Whether a part labelled text/plain is really HTML (common in spam).</summary>
    public static bool LooksLikeHtml(string text) => HtmlMarker().Matches(text).Count >= 2;
}
