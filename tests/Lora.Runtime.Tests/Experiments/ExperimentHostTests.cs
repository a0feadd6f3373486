using System.Diagnostics;
using Lora.Runtime.Experiments;

namespace Lora.Runtime.Tests.Experiments;

public class ExperimentHostTests
{
    [Fact]
    public void Progress_lines_are_rate_limited_but_the_first_and_last_step_are_always_written()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir));
        // 40 steps of the tiny fixture model, reported every step: far faster than the build may print them.
        config = config with { Training = config.Training with { MaxSteps = 40, GradientAccumulation = 1 }, Merge = null };
        var output = new StringWriter();
        var clock = Stopwatch.StartNew();
        int exit = new ExperimentHost(new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") }, new BuildProtocol(output))
            .Run([config], [], default);
        double seconds = clock.Elapsed.TotalSeconds;

        Assert.Equal(0, exit);
        var steps = output.ToString().Split('\n')
            .Where(l => l.StartsWith(BuildProtocol.Prefix + "progress ", StringComparison.Ordinal))
            .Select(l => System.Text.Json.JsonDocument.Parse(l[(BuildProtocol.Prefix.Length + "progress ".Length)..]).RootElement.GetProperty("step").GetInt32())
            .ToList();
        Assert.Equal(1, steps[0]);
        Assert.Equal(40, steps[^1]);
        Assert.True(steps.Count <= 2 + (int)Math.Ceiling(seconds * 4), $"{steps.Count} progress lines in {seconds:0.00} s: more than 4 a second");
    }

    [Fact]
    public void Each_stage_is_redone_only_when_its_own_inputs_change()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with
        {
            Evaluation = new Lora.EvaluationSettings([Lora.Metric.Perplexity], MaxNewTokens: 8),
            Expectations = [new Lora.ExpectationSettings(Lora.Metric.Perplexity, AtLeast: null, AtMost: 1e9)],
        };
        var artifacts = dir.Child("artifacts");
        (int Exit, string Log) Build(Lora.ExperimentConfig c)
        {
            var output = new StringWriter();
            int exit = new ExperimentHost(new RunnerOptions { ArtifactsRoot = artifacts }, new BuildProtocol(output)).Run([c], [], default);
            return (exit, output.ToString());
        }
        string name = config.FullName;
        var paths = ExperimentPaths.For(artifacts, config);
        var first = Build(config);
        Assert.Equal(0, first.Exit);
        Assert.Contains($"{name}: training", first.Log);
        var adapterWritten = File.GetLastWriteTimeUtc(Path.Combine(paths.Adapter, "adapter_model.safetensors"));

        // An expectation no model can meet: checked again, and failing, without training, merging or evaluating.
        var stricter = config with { Expectations = [new Lora.ExpectationSettings(Lora.Metric.Perplexity, AtLeast: null, AtMost: 1e-9)] };
        var recheck = Build(stricter);
        Assert.Equal(2, recheck.Exit);
        Assert.Contains($"{name}: up to date", recheck.Log);
        Assert.DoesNotContain($"{name}: training", recheck.Log);
        Assert.DoesNotContain($"{name}: evaluating", recheck.Log);
        // A description is the reader's, not the model's: report.md is written again with it, from the same adapter.
        var described = Build(config with { Description = "now described" });
        Assert.Contains($"{name}: adapter up to date", described.Log);
        Assert.Contains($"{name}: evaluating", described.Log);
        Assert.DoesNotContain($"{name}: training", described.Log);
        Assert.StartsWith($"# {name}\n\nnow described\n", File.ReadAllText(paths.Report));

        // An evaluation setting: evaluated again from the same adapter.
        var evaluation = Build(config with { Evaluation = config.Evaluation! with { MaxNewTokens = 16 } });
        Assert.Equal(0, evaluation.Exit);
        Assert.Contains($"{name}: evaluating", evaluation.Log);
        Assert.Contains($"{name}: adapter up to date", evaluation.Log);
        Assert.DoesNotContain($"{name}: training", evaluation.Log);
        Assert.DoesNotContain($"{name}: merging", evaluation.Log);

        // A merge setting: merged again, nothing else.
        var merge = Build(config with { Evaluation = config.Evaluation! with { MaxNewTokens = 16 }, Merge = config.Merge! with { DType = Lora.MergeDType.BFloat16 } });
        Assert.Contains($"{name}: merging", merge.Log);
        Assert.DoesNotContain($"{name}: training", merge.Log);
        Assert.DoesNotContain($"{name}: evaluating", merge.Log);
        Assert.Equal(adapterWritten, File.GetLastWriteTimeUtc(Path.Combine(paths.Adapter, "adapter_model.safetensors")));

        // A training setting: everything again.
        var retrain = Build(config with { Training = config.Training with { LearningRate = 1e-3 } });
        Assert.Contains($"{name}: training", retrain.Log);
        Assert.Contains($"{name}: merging", retrain.Log);
        Assert.Contains($"{name}: evaluating", retrain.Log);
    }

    [Theory]
    [InlineData("eval.json", "evaluate", "evaluating")]
    [InlineData("merged/model.safetensors", "merge", "merging")]
    [InlineData("adapter/adapter_model.safetensors", "train", "training")]
    [InlineData("adapter/adapter_config.json", "train", "training")]
    public void A_damaged_stage_output_is_redone_with_the_reason(string file, string stage, string redoing)
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with
        {
            Evaluation = new Lora.EvaluationSettings([Lora.Metric.Perplexity], MaxNewTokens: 8),
            Expectations = [new Lora.ExpectationSettings(Lora.Metric.Perplexity, AtLeast: null, AtMost: 1e9)],
        };
        var artifacts = dir.Child("artifacts");
        string Build()
        {
            var output = new StringWriter();
            Assert.Equal(0, new ExperimentHost(new RunnerOptions { ArtifactsRoot = artifacts }, new BuildProtocol(output)).Run([config], [], default));
            return output.ToString();
        }
        Build();
        var path = Path.Combine(ExperimentPaths.For(artifacts, config).Root, file);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 3)]);   // a write cut short

        var log = Build();
        Assert.Contains($"the {stage} stage's output is damaged ({path}", log);
        Assert.Contains($"{config.FullName}: {redoing}", log);
        foreach (var other in new[] { "training", "merging", "evaluating" }.Where(o => o != redoing && stage != "train"))
            Assert.DoesNotContain($"{config.FullName}: {other}", log);
        Assert.Null(StageArtifacts.Problem(ExperimentPaths.For(artifacts, config), stage));
        Assert.Contains($"{config.FullName}: up to date", Build());
    }

    [Fact]
    public void What_interrupted_writes_left_is_removed_by_the_next_build()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with { Merge = null };
        var artifacts = dir.Child("artifacts");
        var root = ExperimentPaths.For(artifacts, config).Root;
        string guid() => Guid.NewGuid().ToString("N");
        var leftovers = new[] { Path.Combine(root, $".merged.tmp-{guid()}"), Path.Combine(root, $".adapter.old-{guid()}") };
        foreach (var folder in leftovers) Directory.CreateDirectory(Path.Combine(folder, "sub"));
        var file = Path.Combine(root, $"eval.json.tmp-{guid()}");
        File.WriteAllText(file, "{");
        var kept = Path.Combine(root, ".notes");   // a hidden folder of the user's, not one of ours
        Directory.CreateDirectory(kept);

        var output = new StringWriter();
        Assert.Equal(0, new ExperimentHost(new RunnerOptions { ArtifactsRoot = artifacts }, new BuildProtocol(output)).Run([config], [], default));
        Assert.Contains("removed 3 leftover(s)", output.ToString());
        Assert.All(leftovers, f => Assert.False(Directory.Exists(f)));
        Assert.False(File.Exists(file));
        Assert.True(Directory.Exists(kept));
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void A_non_finite_expectation_value_is_written_as_text_and_fails(double value, string text)
    {
        var expectation = new Lora.ExpectationSettings(Lora.Metric.Perplexity, AtLeast: null, AtMost: 30);
        var output = new StringWriter();
        new BuildProtocol(output).Expectation("e", new Lora.ExpectationOutcome(expectation, value, expectation.IsMetBy(value)));
        var json = System.Text.Json.JsonDocument.Parse(output.ToString().Trim()[(BuildProtocol.Prefix.Length + "expectation ".Length)..]).RootElement;
        Assert.Equal(System.Text.Json.JsonValueKind.Null, json.GetProperty("actual").ValueKind);
        Assert.Equal(text, json.GetProperty("actual_not_finite").GetString());
        Assert.False(json.GetProperty("passed").GetBoolean());
    }

    [Fact]
    public void A_cancelled_build_stops_between_stages_and_the_next_one_does_only_what_is_left()
    {
        using var dir = new TempFolder();
        var trained = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with { Merge = null };
        var artifacts = dir.Child("artifacts");
        ExperimentHost Host(StringWriter output) => new(new RunnerOptions { ArtifactsRoot = artifacts }, new BuildProtocol(output));
        Assert.Equal(0, Host(new StringWriter()).Run([trained], [], default));

        var withMerge = trained with { Merge = new Lora.MergeSettings(Lora.MergeDType.Float32, true) };
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Host(new StringWriter()).Run([withMerge], [], cancelled.Token));
        Assert.False(Directory.Exists(ExperimentPaths.For(artifacts, withMerge).Merged));

        var output = new StringWriter();
        Assert.Equal(0, Host(output).Run([withMerge], [], default));
        Assert.Contains("adapter up to date", output.ToString());
        Assert.Contains("merging into", output.ToString());
    }
}
