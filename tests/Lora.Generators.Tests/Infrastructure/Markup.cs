using Microsoft.CodeAnalysis.Text;

namespace Lora.Generators.Tests.Infrastructure;

/// <summary>An expected diagnostic: its ID and the source span it must cover.</summary>
/// <param name="Id">The diagnostic ID.</param>
/// <param name="Span">The span in the markup-free source.</param>
internal sealed record ExpectedDiagnostic(string Id, TextSpan Span);

/// <summary>Parses <c>{|LORA0010:Rank = 0|}</c> markers: the ID and the exact text the diagnostic must cover.</summary>
internal static class Markup
{
    /// <summary>Removes the markers.</summary>
    /// <param name="markup">Source with markers.</param>
    /// <param name="expected">The marked diagnostics.</param>
    /// <returns>The source without markers.</returns>
    public static string Parse(string markup, out IReadOnlyList<ExpectedDiagnostic> expected)
    {
        var found = new List<ExpectedDiagnostic>();
        var output = new System.Text.StringBuilder();
        var position = 0;
        while (true)
        {
            var open = markup.IndexOf("{|", position, StringComparison.Ordinal);
            if (open < 0)
            {
                output.Append(markup, position, markup.Length - position);
                break;
            }

            var colon = markup.IndexOf(':', open);
            var close = markup.IndexOf("|}", colon, StringComparison.Ordinal);
            output.Append(markup, position, open - position);
            var id = markup.Substring(open + 2, colon - open - 2);
            var text = markup.Substring(colon + 1, close - colon - 1);
            found.Add(new ExpectedDiagnostic(id, new TextSpan(output.Length, text.Length)));
            output.Append(text);
            position = close + 2;
        }

        expected = found;
        return output.ToString();
    }
}
