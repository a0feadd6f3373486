using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Lora.Runtime.Evaluation;
using Lora.Runtime.Experiments;
using Lora.Runtime.Models;
using Lora.Runtime.Tokenization;
using Lora.Runtime.Reports;
using Lora.Runtime.Tests.Experiments;

namespace Lora.Runtime.Tests.Reports;

/// <summary>
/// What a build leaves to read, through the build host on the built-in model: the line that ends an experiment with its
/// metric against the base, report.md with example rows taken from predictions.jsonl and the loss chart, progress.jsonl
/// with every step and evaluation.
/// </summary>
public sealed class ReportArtifactsTests : IDisposable
{
    readonly TempFolder _dir = new();

    public ReportArtifactsTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    public void Dispose() => _dir.Dispose();

    /// <summary>24 e-mail subjects labelled spam or ham, a quarter held out, on the built-in model: 4 steps, evaluated after step 2 and at the end.</summary>
    ExperimentConfig LabelExperiment()
    {
        string[] spam = ["cheap pills now", "win a prize today", "free money offer", "claim your reward", "hot singles nearby", "lowest price pills"];
        string[] ham = ["meeting notes attached", "lunch on friday", "draft of the report", "your flight itinerary", "team offsite plan", "code review comments"];
        var lines = Enumerable.Range(0, 24).Select(i => new JsonObject
        {
            ["subject"] = (i % 2 == 0 ? spam : ham)[i / 2 % 6] + (i >= 12 ? " again" : ""),
            ["label"] = i % 2 == 0 ? "spam" : "ham",
        }.ToJsonString());
        var path = _dir.WriteText("mail.jsonl", string.Join("\n", lines) + "\n");
        var config = FixtureExperiment.Config(_dir.Path, path);
        return config with
        {
            ExperimentName = "label-mail",
            Model = new BaseModelSettings("lora-tiny-en", IsBuiltIn: true, ModelType: "llama"),
            Adapter = config.Adapter with { InitFrom = null },
            Dataset = config.Dataset with { Format = DatasetFormat.Jsonl, Prompt = "Subject: {subject}\nLabel:", Completion = " {label}", EvalFraction = 0.25, Shuffle = true, MaxLength = 32 },
            Training = config.Training with { MaxSteps = 4, EvalSteps = 2, GradientAccumulation = 1 },
            Evaluation = new EvaluationSettings([Metric.Accuracy, Metric.Perplexity], MaxNewTokens: 2),
            Merge = null,
        };
    }

    string Build(ExperimentConfig config, params string[] only)
    {
        var output = new StringWriter();
        Assert.Equal(0, new ExperimentHost(new RunnerOptions { ArtifactsRoot = _dir.Child("artifacts") }, new BuildProtocol(output)).Run([config], only, default));
        return output.ToString();
    }

    [Fact]
    public void The_build_line_ends_with_the_first_metric_against_the_base_and_the_report_shows_example_rows_and_both_losses()
    {
        var config = LabelExperiment();
        var paths = ExperimentPaths.For(_dir.Child("artifacts"), config);

        string log = Build(config);

        // The first metric, tuned against base, as eval.json has them.
        var eval = JsonNode.Parse(File.ReadAllText(paths.Eval))!;
        double tuned = eval["tuned"]!["Accuracy"]!.GetValue<double>(), baseline = eval["base"]!["Accuracy"]!.GetValue<double>();
        string headline = string.Create(CultureInfo.InvariantCulture, $"Accuracy {tuned:0.####} (base {baseline:0.####}, {tuned - baseline:+0.####;-0.####;±0})");
        Assert.Contains($"##lora done label-mail: {headline}; artifacts in {paths.Root} (", log);
        // An up-to-date build says the same result.
        string again = Build(config);
        Assert.Contains($"##lora skipped label-mail: up to date (fingerprint ", again);
        Assert.Contains($"); {headline}; artifacts in {paths.Root}", again);

        // The example rows are rows of predictions.jsonl, with the base and tuned generations it recorded.
        var predictions = File.ReadAllLines(paths.Predictions).Select(l => JsonNode.Parse(l)!).ToDictionary(p => Path.GetFileName(p["row"]!.GetValue<string>()));
        Assert.Equal(6, predictions.Count);
        string report = File.ReadAllText(paths.Report);
        Assert.Contains($"**{headline}**", report);
        var table = report[report.IndexOf("## Examples", StringComparison.Ordinal)..].Split('\n').Where(l => l.StartsWith("| mail.jsonl:", StringComparison.Ordinal)).ToList();
        Assert.Equal(ExampleRows.Count, table.Count);
        foreach (var line in table)
        {
            var cells = line.Split(" | ");
            var prediction = predictions[cells[0][2..]];
            Assert.Equal(prediction["reference"]!.GetValue<string>().Trim(), cells[2]);
            Assert.EndsWith(" " + Shown(prediction["base"]!.GetValue<string>()), cells[3]);
            Assert.EndsWith(" " + Shown(prediction["tuned"]!.GetValue<string>()), cells[4].TrimEnd(' ', '|'));
        }

        // One chart: the training loss of the 4 steps and the eval loss after steps 2 and 4.
        Assert.Contains("![training and eval loss](loss.svg)", report);
        var chart = XDocument.Load(paths.LossCurve).Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg")).ToList();
        Assert.Equal([4, 2], chart.Select(c => c.Attribute("points")!.Value.Split(' ').Length));

        // The training's time, tokens and CPU time, as run.json records them.
        var run = JsonNode.Parse(File.ReadAllText(paths.Run))!;
        var training = File.ReadAllLines(paths.Report).SkipWhile(l => l != "## Training").Skip(2).First();
        double seconds = run["train_seconds"]!.GetValue<double>(), user = run["train_cpu_seconds"]!["user"]!.GetValue<double>();
        Assert.StartsWith(FormattableString.Invariant($"4 steps in {seconds:0.#} s, {run["train_tokens"]!.GetValue<long>():N0} tokens ("), training);
        Assert.Contains(FormattableString.Invariant($"user {user:0.#} s, system {run["train_cpu_seconds"]!["system"]!.GetValue<double>():0.#} s."), training);
    }

    /// <summary>A generation as a table cell shows it: trimmed, HTML-escaped, pipes escaped, its lines joined by &lt;br&gt;.</summary>
    static string Shown(string generated) => generated.Trim().Length == 0 ? "*(empty)*"
        : string.Join("<br>", System.Net.WebUtility.HtmlEncode(generated.Trim()).Replace("|", "\\|").Replace("`", "\\`")
            .ReplaceLineEndings("\n").Split('\n').Where(l => l.Trim().Length > 0).Select(l => l.Trim()));

    [Fact]
    public void Multiple_choice_questions_are_scored_for_the_base_and_the_tuned_model()
    {
        var choices = _dir.WriteText("questions.jsonl", """
            {"question": "Subject: cheap pills now\nLabel:", "choices": ["spam", "ham"], "answer": 0}
            {"question": "Subject: lunch on friday\nLabel:", "choices": ["spam", "ham"], "answer": 1}
            {"question": "Subject: free money offer\nLabel:", "choices": ["spam", "ham", "unsure"], "answer": 0}

            """);
        var config = LabelExperiment() with
        {
            Evaluation = new EvaluationSettings([Metric.ChoiceAccuracy, Metric.ChoiceAccuracyNorm], MaxNewTokens: 2, ChoicesPath: choices),
        };
        var paths = ExperimentPaths.For(_dir.Child("artifacts"), config);

        string log = Build(config);

        // The base model's scores are what the scorer gives on the built-in model itself.
        var baseFolder = BaseModelLocator.Resolve(config);
        using var model = ModelLoader.Load(baseFolder);
        var rows = MultipleChoiceRows.Read(choices).Select(r => r.Row).ToList();
        var byScorer = MultipleChoiceScorer.Score(model, ModelTokenizer.Load(baseFolder), rows);
        var eval = JsonNode.Parse(File.ReadAllText(paths.Eval))!;
        Assert.Equal(3, eval["choice_questions"]!.GetValue<int>());
        Assert.Equal(MultipleChoiceScorer.Accuracy(byScorer), eval["base"]!["ChoiceAccuracy"]!.GetValue<double>(), 6);
        Assert.Equal(MultipleChoiceScorer.AccuracyNorm(byScorer), eval["base"]!["ChoiceAccuracyNorm"]!.GetValue<double>(), 6);
        double tuned = eval["tuned"]!["ChoiceAccuracy"]!.GetValue<double>();
        Assert.Contains(tuned, new[] { 0.0, 1 / 3.0, 2 / 3.0, 1.0 }.Select(v => Math.Round(v, 6)));
        // Base against tuned in the report's table and in the build's line.
        string report = File.ReadAllText(paths.Report);
        Assert.Contains($"| ChoiceAccuracy | {MetricText.Value(eval["base"]!["ChoiceAccuracy"]!.GetValue<double>())} | {MetricText.Value(tuned)} |", report);
        Assert.Contains($"##lora done label-mail: ChoiceAccuracy {MetricText.Value(tuned)} (base ", log);

        // Edited questions are scored again, from the same adapter.
        File.AppendAllText(choices, """{"question": "Subject: team offsite plan\nLabel:", "choices": ["spam", "ham"], "answer": 1}""" + "\n");
        string again = Build(config);
        Assert.Contains("label-mail: evaluating", again);
        Assert.DoesNotContain("label-mail: training", again);
        Assert.Equal(4, JsonNode.Parse(File.ReadAllText(paths.Eval))!["choice_questions"]!.GetValue<int>());
    }

    [Fact]
    public void Progress_jsonl_has_every_step_and_evaluation_as_run_json_records_them()
    {
        var config = LabelExperiment() with { Evaluation = null };
        var paths = ExperimentPaths.For(_dir.Child("artifacts"), config);

        Build(config);

        var events = File.ReadAllLines(paths.Progress).Select(l => JsonNode.Parse(l)!.AsObject()).ToList();
        var run = JsonNode.Parse(File.ReadAllText(paths.Run))!;
        Assert.Equal("start", events[0]["event"]!.GetValue<string>());
        Assert.Equal(run["fingerprint"]!.GetValue<string>(), events[0]["fingerprint"]!.GetValue<string>());
        var steps = events.Where(e => e["event"]!.GetValue<string>() == "step").ToList();
        Assert.Equal([1, 2, 3, 4], steps.Select(s => s["step"]!.GetValue<int>()));
        Assert.Equal(run["losses"]!.AsArray().Select(l => Math.Round(l!.GetValue<double>(), 6)), steps.Select(s => s["loss"]!.GetValue<double>()));
        Assert.All(steps, s => Assert.Equal(4, s["total"]!.GetValue<int>()));
        Assert.True(steps.Select(s => s["tokens"]!.GetValue<long>()).Order().SequenceEqual(steps.Select(s => s["tokens"]!.GetValue<long>())));
        var evals = events.Where(e => e["event"]!.GetValue<string>() == "eval").ToList();
        Assert.Equal([2, 4], evals.Select(e => e["step"]!.GetValue<int>()));
        Assert.Equal(Math.Round(run["evals"]![0]!["eval_loss"]!.GetValue<double>(), 6), evals[0]["eval_loss"]!.GetValue<double>());
        Assert.Equal(Math.Round(run["last_step_eval_loss"]!.GetValue<double>(), 6), evals[1]["eval_loss"]!.GetValue<double>());
        // In the order they happened: the evaluation after step 2 between steps 2 and 3.
        Assert.Equal(["start", "step", "step", "eval", "step", "step", "eval"], events.Select(e => e["event"]!.GetValue<string>()));
        // run.json's throughput: the tokens the steps counted, and the training process's CPU time split into user and system.
        Assert.Equal(steps[^1]["tokens"]!.GetValue<long>(), run["train_tokens"]!.GetValue<long>());
        double user = run["train_cpu_seconds"]!["user"]!.GetValue<double>(), system = run["train_cpu_seconds"]!["system"]!.GetValue<double>();
        Assert.True(user > 0 && system >= 0, $"user {user} s, system {system} s");

        // A fresh training starts the file over.
        Build(config with { Training = config.Training with { LearningRate = 1e-3 } });
        Assert.Equal(1, File.ReadAllLines(paths.Progress).Count(l => l.Contains("\"event\":\"start\"", StringComparison.Ordinal)));
    }
}
