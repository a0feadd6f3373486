using System.Text;
using Lora.Runtime.Evaluation;

namespace Lora.Runtime.Reports;

/// <summary>
/// The example rows of report.md: a handful of the evaluated rows with their input, the expected completion and what the
/// base and the tuned model generated. Chosen from the run's seed, so the same run shows the same rows; the tuned model's
/// mistakes are among them when it made any (up to half), since a reader learns most from those.
/// </summary>
public static class ExampleRows
{
    /// <summary>How many rows a report shows.</summary>
    public const int Count = 5;

    /// <summary>The longest input shown, in characters; longer ones are cut with an ellipsis.</summary>
    const int InputLength = 240;

    /// <summary>Picks up to <paramref name="count"/> rows, in eval order: the tuned model's mistakes first (up to half), then
    /// others, each group in an order drawn from <paramref name="seed"/>.</summary>
    /// <param name="rows">The evaluated rows.</param>
    /// <param name="seed">The experiment's seed.</param>
    /// <param name="isRight">Whether a generation counts as right against the reference (the headline metric's rule).</param>
    /// <param name="count">How many to show.</param>
    public static IReadOnlyList<PredictedRow> Choose(IReadOnlyList<PredictedRow> rows, int seed, Func<string, string, bool> isRight, int count = Count)
    {
        // A permutation from the seed alone (System.Random with a seed gives the same sequence on every platform and run).
        var order = Enumerable.Range(0, rows.Count).ToArray();
        new Random(seed).Shuffle(order);
        var mistakes = order.Where(i => !isRight(rows[i].Tuned, rows[i].Reference)).ToList();
        var chosen = mistakes.Take((count + 1) / 2).ToList();
        chosen.AddRange(order.Where(i => !chosen.Contains(i)).Take(count - chosen.Count));
        return chosen.Order().Select(i => rows[i]).ToList();
    }

    /// <summary>A Markdown table of the rows: row, input, expected, base, tuned; a wrong generation marked ✗.</summary>
    public static string Table(IReadOnlyList<PredictedRow> rows, Func<string, string, bool> isRight)
    {
        var md = new StringBuilder();
        md.AppendLine("| row | input | expected | base | tuned |").AppendLine("| --- | --- | --- | --- | --- |");
        foreach (var r in rows)
            md.AppendLine($"| {Cell(Short(r.Where))} | {Cell(Cut(r.Prompt))} | {Cell(r.Reference)} | {Marked(r.Base, r.Reference, isRight)} | {Marked(r.Tuned, r.Reference, isRight)} |");
        return md.ToString();
    }

    static string Marked(string generated, string reference, Func<string, string, bool> isRight) =>
        (isRight(generated, reference) ? "✓ " : "✗ ") + Cell(generated);

    /// <summary>file:line with the file's name alone: the report sits beside its artifacts, not where the data lives.</summary>
    static string Short(string where)
    {
        int colon = where.LastIndexOf(':');
        return colon > 0 ? Path.GetFileName(where[..colon]) + where[colon..] : where;
    }

    static string Cut(string text) => text.Length <= InputLength ? text : text[..InputLength].TrimEnd() + "…";

    /// <summary>Text inside a table cell: HTML-escaped (an e-mail's &lt;tags&gt; show as written), pipes escaped, line breaks
    /// as &lt;br&gt;, an empty generation shown as such.</summary>
    static string Cell(string text)
    {
        if (text.Trim().Length == 0) return "*(empty)*";
        var escaped = System.Net.WebUtility.HtmlEncode(text.Trim()).Replace("|", "\\|").Replace("`", "\\`");
        return string.Join("<br>", escaped.ReplaceLineEndings("\n").Split('\n').Where(l => l.Trim().Length > 0).Select(l => l.Trim()));
    }
}
