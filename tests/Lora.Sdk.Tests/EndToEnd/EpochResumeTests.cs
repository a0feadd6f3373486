using Lora.Sdk.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Lora.Sdk.Tests.EndToEnd;

/// <summary>
/// Issue 15: on default settings a run checkpoints at each epoch's end (SaveSteps = 0, transformers' save_strategy
/// "epoch") and evaluates there (EvalSteps = 0), so a build killed with SIGKILL in epoch 2 of a 2-epoch run loses only
/// epoch 2's steps: the next build resumes from the end of epoch 1 and ends with the uninterrupted run's adapter.
/// </summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class EpochResumeTests(PackedSdk sdk, ITestOutputHelper output)
{
    const string Experiment = "epoch-resume";
    // 89 rows: EvalFraction 0.1 holds 9 out, and the other 80 make 10 batches of the default BatchSize 8 — 10 steps an
    // epoch, so a kill at the first step of epoch 2 leaves 9 steps for it to land in before training ends.
    const int Rows = 89, StepsPerEpoch = 10, TotalSteps = 2 * StepsPerEpoch;
    static readonly TimeSpan LineWait = TimeSpan.FromMinutes(5);

    [Fact]
    public void A_build_killed_in_epoch_2_on_default_settings_resumes_from_the_end_of_epoch_1_to_the_same_adapter()
    {
        var project = sdk.FromTemplate("EpochResume");
        // Two epochs and otherwise [Training]'s defaults: no SaveSteps, no EvalSteps. LoggingSteps = 1 only shows each step
        // (the default reports every 10th, which would hide where epoch 2 begins); it changes no computed value.
        project.Replace("Experiment.cs", TemplateSource.TrainingAttribute, "[Training(Epochs = 2, LoggingSteps = 1)]");
        // A small data file keeps the run short (the template's rows fit its MaxLength whole: kept); its generation metrics
        // are not the point here.
        project.RemoveLines("Experiment.cs", TemplateSource.EvaluationLines);
        string datasetPath = TemplateSource.DatasetPath(project.Read("Experiment.cs"));
        project.Write(datasetPath, string.Join("\n", project.Read(datasetPath).Split('\n').Take(Rows)) + "\n");

        // 1. The uninterrupted run: one checkpoint, at the end of epoch 1 (none after the last step), evaluated there.
        var uninterrupted = project.Build().ShouldSucceed()
            .ShouldSay($"{Experiment}: step {StepsPerEpoch}/{TotalSteps} eval loss", $"{Experiment} step {TotalSteps}/{TotalSteps}");
        var checkpoints = uninterrupted.Output.Split('\n').Select(l => BuildLog.Checkpoint(l, Experiment)).OfType<(int, int)>().ToList();
        Assert.Equal(new[] { (StepsPerEpoch, TotalSteps) }, checkpoints);
        var expected = AdapterWeights.ReadFloat32(project.AdapterFile(Experiment));
        output.WriteLine($"uninterrupted build (restore, compile, train, merge): {uninterrupted.Elapsed.TotalSeconds:0.0} s");

        // 2. The same run from scratch, killed (SIGKILL to the build, its MSBuild node and the runner) once epoch 2 has begun.
        Directory.Delete(project.Path("artifacts", "lora", Experiment), recursive: true);
        string epochOneCheckpoint = project.Path("artifacts", "lora", Experiment, "checkpoints", $"step-{StepsPerEpoch:D6}");
        using (var killed = project.StartBuild())
        {
            var saved = killed.WaitForLine(l => BuildLog.Checkpoint(l, Experiment) is not null, LineWait);
            Assert.True(saved is not null, "no checkpoint line:\n" + killed.Output);
            Assert.Equal((StepsPerEpoch, TotalSteps), BuildLog.Checkpoint(saved, Experiment));
            var inEpochTwo = killed.WaitForLine(l => BuildLog.Step(l, Experiment) > StepsPerEpoch, LineWait);
            Assert.True(inEpochTwo is not null, "no progress line of epoch 2:\n" + killed.Output);
            killed.KillTree();
            var result = killed.WaitForExit(TimeSpan.FromMinutes(1));
            output.WriteLine($"killed at {result.Elapsed.TotalSeconds:0.0} s, after \"{inEpochTwo.Trim()}\"");
        }
        Assert.True(Directory.Exists(epochOneCheckpoint),
            $"{epochOneCheckpoint} is gone: training finished before the kill landed (machine faster than {StepsPerEpoch - 1} steps allow); raise Rows");

        // 3. The next build resumes from the end of epoch 1 and ends where the uninterrupted run ended.
        var resumed = project.Build().ShouldSucceed().ShouldSay($"{Experiment} step {TotalSteps}/{TotalSteps}");
        var resume = BuildLog.Resume(resumed.Output, Experiment);
        Assert.True(resume is not null, "the build after the kill did not resume:\n" + resumed.Output);
        Assert.Equal(($"step-{StepsPerEpoch:D6}", StepsPerEpoch, TotalSteps), resume);
        output.WriteLine($"resumed build: {resumed.Elapsed.TotalSeconds:0.0} s");
        AdapterWeights.AssertClose(expected, AdapterWeights.ReadFloat32(project.AdapterFile(Experiment)), 1e-5, " after resuming from the end of epoch 1");
    }
}
