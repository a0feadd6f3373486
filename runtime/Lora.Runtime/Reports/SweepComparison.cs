using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Lora.Runtime.Experiments;
using Lora.Runtime.IO;

namespace Lora.Runtime.Reports;

/// <summary>
/// <c>&lt;artifacts&gt;/&lt;experiment&gt;/README.md</c> for a sweep: one row per variant with the settings that differ
/// between the variants, the tuned model's metrics, training time and peak memory; the best variant by the first
/// evaluation metric marked; and <c>sweep.svg</c>, that metric against the swept value. Read from each variant's files
/// (run.json, eval.json), so a variant skipped as up to date, or not run by this build, shows its last results.
/// </summary>
public static class SweepComparison
{
    public const string FileName = "README.md", ChartFileName = "sweep.svg";

    /// <summary>One variant's row.</summary>
    /// <param name="Name">The variant's name, e.g. rank-8.</param>
    /// <param name="Settings">Its value of each differing setting, in the order of <see cref="Comparison.Settings"/>.</param>
    /// <param name="Scores">The tuned model's scores by metric name (eval.json; the training's eval loss without [Evaluate]).</param>
    /// <param name="BaseScores">The base model's scores by metric name.</param>
    /// <param name="TrainSeconds">How long training took, from run.json.</param>
    /// <param name="PeakMemory">The measured peak, in words (resident memory, or GPU memory reserved), from run.json.</param>
    /// <param name="Note">Why the row has no results or old ones; null when they are this configuration's.</param>
    public sealed record Row(string Name, IReadOnlyList<string> Settings, IReadOnlyDictionary<string, double> Scores,
        IReadOnlyDictionary<string, double> BaseScores, double? TrainSeconds, string? PeakMemory, string? Note);

    /// <summary>The comparison of one sweep: the settings that differ, the metric columns, the rows and the best row.</summary>
    public sealed record Comparison(string Experiment, IReadOnlyList<string> Settings, IReadOnlyList<string> Metrics, IReadOnlyList<Row> Rows, Row? Best, string? RankedBy);

    /// <summary>Reads the variants' results and compares them.</summary>
    /// <param name="artifactsRoot">The artifacts root (each variant in &lt;root&gt;/&lt;experiment&gt;/&lt;variant&gt;).</param>
    /// <param name="variants">Every variant of one experiment, in declaration order.</param>
    public static Comparison Compare(string artifactsRoot, IReadOnlyList<Lora.ExperimentConfig> variants)
    {
        if (variants.Count == 0 || variants.Any(v => v.VariantName is null || v.ExperimentName != variants[0].ExperimentName))
            throw new ArgumentException("a sweep comparison needs the variants of one experiment", nameof(variants));
        var flat = variants.Select(v => Flatten(JsonNode.Parse(ExperimentFingerprint.ConfigJson(v with { VariantName = null }))!)).ToList();
        var settings = flat.SelectMany(f => f.Keys).Distinct().Where(k => flat.Select(f => f.GetValueOrDefault(k, "null")).Distinct().Count() > 1).ToList();
        // The metrics of [Evaluate] in their order; without it, the eval loss training measured.
        var metrics = variants[0].Evaluation is { } evaluation
            ? evaluation.Metrics.Select(m => m.ToString()).Distinct().ToList()
            : [nameof(Lora.Metric.EvalLoss)];
        var rows = variants.Select((v, i) => ReadRow(artifactsRoot, v, settings.Select(k => flat[i].GetValueOrDefault(k, "null")).ToList())).ToList();
        string? rankedBy = metrics.FirstOrDefault();
        Row? best = null;
        if (rankedBy is not null)
        {
            var scored = rows.Where(r => r.Note is null && r.Scores.TryGetValue(rankedBy, out var v) && double.IsFinite(v)).ToList();
            // The first of equals, in declaration order.
            best = MetricText.LowerIsBetter(rankedBy) ? scored.MinBy(r => r.Scores[rankedBy]) : scored.MaxBy(r => r.Scores[rankedBy]);
        }
        return new Comparison(variants[0].ExperimentName, settings, metrics, rows, best, rankedBy);
    }

    /// <summary>Writes README.md (and sweep.svg when a variant has a score) into the experiment's folder; returns the README's path.</summary>
    public static string Write(string artifactsRoot, IReadOnlyList<Lora.ExperimentConfig> variants)
    {
        var c = Compare(artifactsRoot, variants);
        string folder = Path.GetFullPath(Path.Combine(artifactsRoot, c.Experiment));
        Directory.CreateDirectory(folder);
        string? chart = Chart(c);
        if (chart is not null) AtomicFolder.WriteText(Path.Combine(folder, ChartFileName), chart);
        AtomicFolder.WriteText(Path.Combine(folder, FileName), Markdown(c, variants[0].Description, chart is not null));
        return Path.Combine(folder, FileName);
    }

    /// <summary>The build's line about a sweep, e.g. "4 variants compared; best rank-16 (Accuracy 0.95)".</summary>
    public static string Summary(Comparison c) =>
        $"{c.Rows.Count} variants compared" + (c.Best is { } best && c.RankedBy is { } m ? $"; best {best.Name} ({m} {MetricText.Value(best.Scores[m])})" : "");

    static string Markdown(Comparison c, string? description, bool chart)
    {
        var md = new StringBuilder();
        md.AppendLine($"# {c.Experiment}: {c.Rows.Count} variants").AppendLine();
        if (!string.IsNullOrWhiteSpace(description)) md.AppendLine(description).AppendLine();
        md.AppendLine(c.Settings.Count == 0 ? "The variants have the same settings." : $"Swept: {string.Join(", ", c.Settings)}.");
        if (c.Best is { } best && c.RankedBy is { } metric)
            md.AppendLine($"Best by {metric} (the first evaluation metric; {(MetricText.LowerIsBetter(metric) ? "lower" : "higher")} is better): **{best.Name}** ★.");
        md.AppendLine();
        md.AppendLine("| variant | " + string.Join(" | ", c.Settings.Concat(c.Metrics)) + " | training time | peak memory |");
        md.AppendLine("|" + string.Concat(Enumerable.Repeat(" --- |", 3 + c.Settings.Count + c.Metrics.Count)));
        foreach (var r in c.Rows)
        {
            string name = ReferenceEquals(r, c.Best) ? $"**[{r.Name}]({r.Name}/report.md)** ★" : $"[{r.Name}]({r.Name}/report.md)";
            var metrics = c.Metrics.Select(m => r.Scores.TryGetValue(m, out var v) ? MetricText.Value(v) : "–");
            string time = r.TrainSeconds is { } s ? Duration(s) : "–";
            md.AppendLine($"| {name}{(r.Note is null ? "" : $" ({r.Note})")} | {string.Join(" | ", r.Settings.Concat(metrics))} | {time} | {r.PeakMemory ?? "–"} |");
        }
        md.AppendLine();
        if (c.Rows.FirstOrDefault(r => r.BaseScores.Count > 0) is { } withBase && c.RankedBy is { } ranked && withBase.BaseScores.TryGetValue(ranked, out var baseValue))
            md.AppendLine($"The base model scores {ranked} {MetricText.Value(baseValue)}.").AppendLine();
        if (chart) md.AppendLine($"![{c.RankedBy} by variant]({ChartFileName})").AppendLine();
        md.AppendLine("Each variant's folder holds its report.md, run.json and eval.json; this page is rewritten whenever a build runs the sweep.");
        return md.ToString();
    }

    /// <summary>The ranking metric against the swept value: on a numeric axis of the first differing setting when it is numeric
    /// and tells the variants apart (a rank sweep), else one slot per variant, named.</summary>
    static string? Chart(Comparison c)
    {
        if (c.RankedBy is not { } metric) return null;
        var numeric = c.Settings.Count > 0 && c.Rows.All(r => double.TryParse(r.Settings[0], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            && c.Rows.Select(r => r.Settings[0]).Distinct().Count() == c.Rows.Count;
        double X(Row r, int i) => numeric ? double.Parse(r.Settings[0], CultureInfo.InvariantCulture) : i;
        var tuned = c.Rows.Select((r, i) => (X: X(r, i), Y: r.Note is null ? r.Scores.GetValueOrDefault(metric, double.NaN) : double.NaN)).ToList();
        if (!tuned.Any(p => double.IsFinite(p.Y))) return null;
        var series = new List<ChartSeries> { new("tuned", tuned, "steelblue") };
        var baseline = c.Rows.Select((r, i) => (X: X(r, i), Y: r.BaseScores.GetValueOrDefault(metric, double.NaN))).ToList();
        if (baseline.Any(p => double.IsFinite(p.Y))) series.Add(new("base", baseline, "gray"));
        // Ticks at the swept values themselves (4, 8, 16, 32), or at each variant's slot with its name.
        var labels = c.Rows.Select((r, i) => (X(r, i), numeric ? r.Settings[0] : r.Name)).ToList();
        bool whole = numeric && tuned.All(p => p.X == Math.Round(p.X));
        return SvgChart.Line($"{c.Experiment}: {metric} by variant", numeric ? c.Settings[0] : "variant", metric, series, labels, whole);
    }

    static Row ReadRow(string artifactsRoot, Lora.ExperimentConfig config, IReadOnlyList<string> settings)
    {
        var paths = ExperimentPaths.For(artifactsRoot, config);
        if (!File.Exists(paths.Run)) return new Row(config.VariantName!, settings, new Dictionary<string, double>(), new Dictionary<string, double>(), null, null, "not trained yet");
        var run = JsonNode.Parse(File.ReadAllText(paths.Run));
        // A variant this build did not run may hold the results of settings it no longer has.
        string? note = run?["config"] is { } recorded && !JsonNode.DeepEquals(recorded, JsonNode.Parse(ExperimentFingerprint.ConfigJson(config)))
            ? "results of an earlier configuration" : null;
        var scores = new Dictionary<string, double>();
        var baseScores = new Dictionary<string, double>();
        if (config.Evaluation is not null)
        {
            if (ExperimentEvaluator.RecordedScores(paths) is { } recordedScores) (baseScores, scores) = recordedScores;
            else note ??= "not evaluated yet";
        }
        else if (run?["eval_loss"]?.GetValue<double>() is { } evalLoss) scores[nameof(Lora.Metric.EvalLoss)] = evalLoss;
        var memory = RunRecord.Memory(paths);
        string? peak = memory?.PeakMiB is { } p ? $"{p:0} MiB" : memory?.DeviceReservedMiB is { } g ? $"{g:0} MiB ({memory.Device})" : null;
        return new Row(config.VariantName!, settings, scores, baseScores, run?["train_seconds"]?.GetValue<double>(), peak, note);
    }

    static string Duration(double seconds)
    {
        var t = TimeSpan.FromSeconds(Math.Round(seconds));
        return t.TotalHours >= 1 ? $"{(int)t.TotalHours}:{t.Minutes:00}:{t.Seconds:00}" : t.TotalMinutes >= 1 ? $"{t.Minutes}:{t.Seconds:00}" : $"{seconds:0.0} s";
    }

    /// <summary>The configuration as setting paths (Adapter.Rank) and their JSON values.</summary>
    static Dictionary<string, string> Flatten(JsonNode node)
    {
        var result = new Dictionary<string, string>();
        void Walk(JsonNode? n, string path)
        {
            if (n is JsonObject o)
                foreach (var (key, value) in o) Walk(value, path.Length == 0 ? key : path + "." + key);
            else result[path] = n is JsonValue v && v.TryGetValue<string>(out var text) ? text : n?.ToJsonString() ?? "null";
        }
        Walk(node, "");
        return result;
    }
}
