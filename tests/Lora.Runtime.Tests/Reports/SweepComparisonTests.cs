using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Lora.Runtime.Experiments;
using Lora.Runtime.Reports;
using Lora.Runtime.Tests.Experiments;

namespace Lora.Runtime.Tests.Reports;

/// <summary>
/// A sweep's variants compared in &lt;artifacts&gt;/&lt;experiment&gt;/README.md: a row per variant with the swept setting,
/// its metrics, time and memory read from the variants' own files; the best marked; the metric charted against the rank.
/// </summary>
public sealed class SweepComparisonTests : IDisposable
{
    readonly TempFolder _dir = new();

    public SweepComparisonTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    /// <summary>The fixture experiment swept over the adapter's rank (initialised from the seed, not from a file), scored by perplexity.</summary>
    List<ExperimentConfig> RankSweep(params int[] ranks)
    {
        var config = FixtureExperiment.Config(_dir.Path, FixtureExperiment.WriteDataset(_dir)) with
        {
            ExperimentName = "rank-sweep",
            Dataset = FixtureExperiment.Config(_dir.Path, "").Dataset with { Path = _dir.Child("train.jsonl"), EvalFraction = 0.25, Shuffle = true },
            Evaluation = new EvaluationSettings([Metric.Perplexity, Metric.EvalLoss], MaxNewTokens: 8),
            Merge = null,
        };
        return ranks.Select(r => config with { VariantName = $"rank-{r}", Adapter = config.Adapter with { Rank = r, Alpha = 2 * r, InitFrom = null } }).ToList();
    }

    string Build(IReadOnlyList<ExperimentConfig> variants, params string[] only)
    {
        var output = new StringWriter();
        Assert.Equal(0, new ExperimentHost(new RunnerOptions { ArtifactsRoot = _dir.Child("artifacts") }, new BuildProtocol(output)).Run(variants, only, default));
        return output.ToString();
    }

    [Fact]
    public void The_readme_has_a_row_per_variant_marks_the_best_and_charts_the_metric_against_the_swept_rank()
    {
        var variants = RankSweep(2, 4);
        string artifacts = _dir.Child("artifacts");

        string log = Build(variants);

        string readme = File.ReadAllText(Path.Combine(artifacts, "rank-sweep", "README.md"));
        var perplexity = variants.ToDictionary(v => v.VariantName!, v =>
            JsonNode.Parse(File.ReadAllText(ExperimentPaths.For(artifacts, v).Eval))!["tuned"]!["Perplexity"]!.GetValue<double>());
        string best = perplexity.MinBy(p => p.Value).Key;   // lower is better
        Assert.Contains($"##lora info rank-sweep: 2 variants compared; best {best} (Perplexity {MetricText.Value(perplexity[best])}) in {Path.Combine(artifacts, "rank-sweep", "README.md")}", log);
        // The swept settings (rank and alpha differ; nothing else does) and the metrics, in their order.
        Assert.Contains("| variant | Adapter.Rank | Adapter.Alpha | Perplexity | EvalLoss | training time | peak memory |", readme);
        Assert.Contains($"Best by Perplexity (the first evaluation metric; lower is better): **{best}** ★.", readme);
        foreach (var v in variants)
        {
            var run = JsonNode.Parse(File.ReadAllText(ExperimentPaths.For(artifacts, v).Run))!;
            var row = readme.Split('\n').Single(l => l.Contains($"[{v.VariantName}]({v.VariantName}/report.md)", StringComparison.Ordinal));
            Assert.Equal(v.VariantName == best, row.Contains('★'));
            Assert.Contains($" | {v.Adapter.Rank} | {v.Adapter.Alpha.ToString(CultureInfo.InvariantCulture)} | {MetricText.Value(perplexity[v.VariantName!])} | ", row);
            Assert.Contains($" | {run["train_seconds"]!.GetValue<double>().ToString("0.0", CultureInfo.InvariantCulture)} s | {run["memory"]!["peak_rss_mib"]!.GetValue<double>():0} MiB |", row);
        }
        // The chart: perplexity (tuned and base) on a numeric rank axis with the ranks as ticks.
        var svg = XDocument.Load(Path.Combine(artifacts, "rank-sweep", "sweep.svg"));
        var texts = svg.Descendants(XName.Get("text", "http://www.w3.org/2000/svg")).Select(t => t.Value).ToList();
        Assert.Contains("Adapter.Rank", texts);
        Assert.Contains("2", texts);
        Assert.Contains("4", texts);
        Assert.Contains("tuned", texts);
        Assert.Contains("![Perplexity by variant](sweep.svg)", readme);

        // Built again, both variants are skipped as up to date: the comparison is read from their files, the same.
        string again = Build(variants);
        Assert.Equal(2, again.Split('\n').Count(l => l.Contains(": up to date", StringComparison.Ordinal)));
        Assert.Equal(readme, File.ReadAllText(Path.Combine(artifacts, "rank-sweep", "README.md")));

        // A build of one variant still compares all of them; a variant never trained is listed as such and is never the best.
        var wider = RankSweep(2, 4, 8);
        Build(wider, "rank-sweep/rank-4");
        string partial = File.ReadAllText(Path.Combine(artifacts, "rank-sweep", "README.md"));
        Assert.Contains("# rank-sweep: 3 variants", partial);
        Assert.Contains("[rank-8](rank-8/report.md) (not trained yet) | 8 | 16 | – | – | – | – |", partial);
        Assert.Contains($"**{best}** ★", partial);
    }
}
