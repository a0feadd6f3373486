using Lora.Runtime.Evaluation;
using Lora.Runtime.Reports;

namespace Lora.Runtime.Tests.Reports;

/// <summary>The example rows of a report: chosen by the seed alone, the tuned model's mistakes among them, shown safely in a table.</summary>
public class ExampleRowsTests
{
    /// <summary>40 rows; the tuned model is wrong on rows 7, 19 and 33 (it says "ham" where "spam" is expected).</summary>
    static readonly IReadOnlyList<PredictedRow> Rows = Enumerable.Range(1, 40)
        .Select(i => new PredictedRow($"data.jsonl:{i}", $"Subject: mail {i}\nLabel:", i % 2 == 0 ? "ham" : "spam", "ham",
            i is 7 or 19 or 33 ? "ham" : i % 2 == 0 ? "ham" : "spam"))
        .ToList();

    [Fact]
    public void The_same_seed_chooses_the_same_rows_and_another_seed_others()
    {
        var first = ExampleRows.Choose(Rows, seed: 42, TextMetrics.SameLabel);
        var again = ExampleRows.Choose(Rows, seed: 42, TextMetrics.SameLabel);
        var other = ExampleRows.Choose(Rows, seed: 7, TextMetrics.SameLabel);

        Assert.Equal(ExampleRows.Count, first.Count);
        Assert.Equal(first, again);
        Assert.NotEqual(first.Select(r => r.Where), other.Select(r => r.Where));
        // Shown in eval order, each row once.
        var lines = first.Select(r => int.Parse(r.Where.Split(':')[1])).ToList();
        Assert.Equal(lines.Order(), lines);
        Assert.Equal(lines.Distinct(), lines);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(2024)]
    public void The_tuned_models_mistakes_are_among_them_up_to_half(int seed)
    {
        var chosen = ExampleRows.Choose(Rows, seed, TextMetrics.SameLabel);

        // 3 mistakes, at most (5 + 1) / 2 = 3 of them shown: all three, and two right rows.
        Assert.Equal(3, chosen.Count(r => !TextMetrics.SameLabel(r.Tuned, r.Reference)));
        Assert.Equal(2, chosen.Count(r => TextMetrics.SameLabel(r.Tuned, r.Reference)));
    }

    [Fact]
    public void Fewer_rows_than_a_handful_are_all_shown()
    {
        Assert.Equal(Rows.Take(3), ExampleRows.Choose(Rows.Take(3).ToList(), seed: 42, TextMetrics.SameLabel));
    }

    [Fact]
    public void The_table_marks_wrong_generations_and_escapes_what_would_break_it()
    {
        var row = new PredictedRow("mail.jsonl:3", "Subject: <b>a|b</b>\n\nBody\nLabel:", "spam", "", "ham");

        string table = ExampleRows.Table([row], TextMetrics.SameLabel);
        var last = table.TrimEnd().Split('\n')[^1];

        Assert.StartsWith("| row | input | expected | base | tuned |", table);
        Assert.Equal("| mail.jsonl:3 | Subject: &lt;b&gt;a\\|b&lt;/b&gt;<br>Body<br>Label: | spam | ✗ *(empty)* | ✗ ham |", last);
    }
}
