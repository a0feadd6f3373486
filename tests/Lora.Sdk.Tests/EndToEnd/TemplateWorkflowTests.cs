using System.Diagnostics;
using Lora.Sdk.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Lora.Sdk.Tests.EndToEnd;

/// <summary>
/// The user's workflow on a project made by `dotnet new lora-experiment`: build (trains), build again (skipped),
/// edit the data (retrains), kill a build mid-training, build again (resumes and ends with the same adapter).
/// </summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class TemplateWorkflowTests(PackedSdk sdk, ITestOutputHelper output)
{
    const string Experiment = "workflow";
    const int Steps = 10;
    static readonly TimeSpan StepWait = TimeSpan.FromMinutes(5);

    [Fact]
    public void Build_trains_skips_retrains_on_new_data_and_resumes_a_killed_run_to_the_same_adapter()
    {
        // The template as made, on its built-in base model; only shorter, with a checkpoint every step. Its
        // evaluation is left out: it is not what this test is about, and a 10-step run meets no accuracy threshold.
        var project = sdk.FromTemplate("Workflow");
        project.Replace("Experiment.cs", TemplateSource.TrainingAttribute,
            $"[Training(MaxSteps = {Steps}, LearningRate = 1e-3, BatchSize = 4, Schedule = LrSchedule.Cosine, WarmupSteps = 2, SaveSteps = 1, LoggingSteps = 1)]");
        project.RemoveLines("Experiment.cs", TemplateSource.EvaluationLines);
        string datasetPath = TemplateSource.DatasetPath(project.Read("Experiment.cs"));
        var dataset = project.Read(datasetPath);

        // 1. The first build trains.
        var first = project.Build().ShouldSucceed().ShouldSay($"{Experiment}: training", $"{Experiment} step {Steps}/{Steps}", $"{Experiment}: artifacts in");
        output.WriteLine($"first build (restore, compile, train): {first.Elapsed.TotalSeconds:0.0} s");
        var trained = AdapterWeights.ReadFloat32(project.AdapterFile(Experiment));
        Assert.NotEmpty(trained);
        Assert.True(File.Exists(project.Path("artifacts", "lora", Experiment, "run.json")));

        // 2. Nothing changed: skipped (the runner's time for it is reported).
        project.Build().ShouldSucceed().ShouldSay($"{Experiment}: up to date").ShouldNotSay($"{Experiment}: training");
        MeasureNoOpOverhead(project);

        // 3. New data: retrains, to a different adapter.
        project.Write(datasetPath, dataset.TrimEnd('\n') + "\n" + dataset.Split('\n')[0] + "\n");
        project.Build().ShouldSucceed().ShouldSay($"{Experiment}: training", $"{Experiment} step {Steps}/{Steps}");
        Assert.NotEqual(trained.Values.SelectMany(v => v), AdapterWeights.ReadFloat32(project.AdapterFile(Experiment)).Values.SelectMany(v => v));

        // 4. Back to the first data, and the build is killed (whole process tree) once two steps are checkpointed.
        project.Write(datasetPath, dataset);
        using (var killed = project.StartBuild())
        {
            var line = killed.WaitForLine(l => BuildLog.Step(l, Experiment) >= 2, StepWait);
            Assert.True(line is not null, "no progress line for step 2:\n" + killed.Output);
            killed.KillTree();
            var result = killed.WaitForExit(TimeSpan.FromMinutes(1));
            Assert.False(result.Output.Contains($"{Experiment}: artifacts in", StringComparison.Ordinal),
                $"training finished before the kill (machine faster than {Steps} steps allow); raise Steps:\n{result.Output}");
        }
        Assert.NotEmpty(Directory.GetDirectories(project.Path("artifacts", "lora", Experiment, "checkpoints"), "step-*"));

        // 5. The next build resumes and ends where the uninterrupted run ended.
        var resumed = project.Build().ShouldSucceed().ShouldSay($"{Experiment}: resuming from step-", $"{Experiment} step {Steps}/{Steps}");
        var resumeLine = resumed.Output.Split('\n').First(l => l.Contains("resuming from", StringComparison.Ordinal)).Trim();
        AdapterWeights.AssertClose(trained, AdapterWeights.ReadFloat32(project.AdapterFile(Experiment)), 1e-5, $" after '{resumeLine}'");
    }

    /// <summary>The runner's own time on a no-op build, and whole no-op builds with and without it: reported, not asserted (a
    /// busy machine is not a failure; tests/benchmarks measure speed).</summary>
    void MeasureNoOpOverhead(ScratchProject project)
    {
        double runner = BuildLog.RunnerSeconds(project.Build("-v:n").ShouldSucceed().Output);
        output.WriteLine($"no-op build: the runner (start, discovery, fingerprint) took {runner:0.00} s");

        double with = double.MaxValue, without = double.MaxValue;
        for (int i = 0; i < 2; i++)
        {
            with = Math.Min(with, Time(() => project.Build().ShouldSucceed().ShouldSay($"{Experiment}: up to date")));
            without = Math.Min(without, Time(() => project.Build("-p:LoraTrainOnBuild=false").ShouldSucceed().ShouldNotSay("up to date")));
        }
        output.WriteLine($"no-op build: {with:0.00} s with LoraTrain, {without:0.00} s without (best of 2 each): {with - without:+0.00;-0.00} s");
    }

    static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalSeconds;
    }
}
