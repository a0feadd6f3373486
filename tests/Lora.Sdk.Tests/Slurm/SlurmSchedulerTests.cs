using System.Text.RegularExpressions;
using Lora.Sdk.Tests.EndToEnd;
using Lora.Sdk.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Lora.Sdk.Tests.Slurm;

/// <summary>
/// Issue 20: LoraScheduler=slurm on the one-node Slurm of local-slurm.sh. A three-variant sweep runs as one job array and
/// ends with the adapters a local build trains; an unchanged rebuild submits nothing; a cancelled build cancels the array
/// after each task checkpointed, and the next build's tasks all resume.
/// </summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed partial class SlurmSchedulerTests(PackedSdk sdk, ITestOutputHelper output)
{
    const string Experiment = "sweep";
    static readonly string[] Variants = ["sweep/rank-2", "sweep/rank-4", "sweep/rank-8"];
    static readonly TimeSpan LineWait = TimeSpan.FromMinutes(5);
    static readonly string[] OnSlurm = ["-p:LoraScheduler=slurm"];

    [FactWithSlurm]
    public void A_three_variant_sweep_runs_as_one_job_array_to_the_local_builds_adapters_and_an_unchanged_rebuild_submits_nothing()
    {
        var project = Sweep("SlurmSweep", "[Training(MaxSteps = 4, LearningRate = 1e-3, BatchSize = 2, LoggingSteps = 1)]");
        string local = project.Path("artifacts", "local");
        var localBuild = project.Build("-p:LoraArtifactsDir=" + local).ShouldSucceed();
        output.WriteLine($"local build (restore, compile, three variants one after another): {localBuild.Elapsed.TotalSeconds:0.0} s");

        var jobsBefore = LocalSlurm.Jobs();
        var slurm = project.Build(OnSlurm).ShouldSucceed().ShouldSay("Submitted Slurm job", "3 task(s)");
        foreach (var variant in Variants) slurm.ShouldSay($"{variant} step 4/4", $"{variant}: artifacts in");
        var submitted = LocalSlurm.Jobs().Except(jobsBefore).ToList();
        Assert.Single(submitted);
        Assert.Contains($"Submitted Slurm job {submitted[0]}:", slurm.Output, StringComparison.Ordinal);
        output.WriteLine($"Slurm build (job {submitted[0]}, three tasks at once): {slurm.Elapsed.TotalSeconds:0.0} s");

        foreach (var variant in Variants)
            AdapterWeights.AssertClose(AdapterWeights.ReadFloat32(Path.Combine(local, variant, "adapter", "adapter_model.safetensors")),
                AdapterWeights.ReadFloat32(project.AdapterFile(variant)), 1e-5, $" ({variant}: Slurm task against the local build)");

        var jobsNow = LocalSlurm.Jobs();
        var unchanged = project.Build(OnSlurm).ShouldSucceed().ShouldSay("nothing submitted to Slurm").ShouldNotSay("Submitted Slurm job");
        foreach (var variant in Variants) unchanged.ShouldSay($"{variant}: up to date");
        Assert.Equal(jobsNow.Order(), LocalSlurm.Jobs().Order());
        output.WriteLine($"unchanged rebuild (plan only, no job): {unchanged.Elapsed.TotalSeconds:0.0} s");
    }

    [FactWithSlurm]
    public void A_cancelled_build_cancels_the_job_array_after_each_task_checkpointed_and_the_next_build_resumes_every_task()
    {
        // A checkpoint at every step: each task has one soon after it starts, and 19 more steps to run when the build is
        // interrupted, so that none finishes first (the tasks run at once).
        const int Steps = 20;
        var project = Sweep("SlurmCancel", $"[Training(MaxSteps = {Steps}, LearningRate = 1e-3, BatchSize = 2, SaveSteps = 1, LoggingSteps = 1)]");
        project.Build("-p:LoraTrainOnBuild=false").ShouldSucceed();

        string job;
        using (var build = project.StartBuild(OnSlurm))
        {
            var submittedLine = build.WaitForLine(l => l.Contains("Submitted Slurm job", StringComparison.Ordinal), LineWait);
            Assert.True(submittedLine is not null, "no job submitted:\n" + build.Output);
            job = JobPattern().Match(submittedLine).Groups[1].Value;
            // Every task has a checkpoint before the build is interrupted (Ctrl+C), so that each has something to resume from.
            var checkpointed = new HashSet<string>();
            while (checkpointed.Count < Variants.Length)
            {
                var line = build.WaitForLine(l => Variants.Any(v => BuildLog.Checkpoint(l, v) is not null), LineWait);
                Assert.True(line is not null, $"checkpoints of {string.Join(", ", checkpointed)} only:\n" + build.Output);
                checkpointed.Add(Variants.First(v => BuildLog.Checkpoint(line, v) is not null));
            }
            build.Interrupt();
            var cancelled = build.WaitForExit(TimeSpan.FromMinutes(2)).ShouldFail().ShouldSay($"Cancelling Slurm job {job}", "Training was cancelled");
            Assert.True(Variants.All(v => !cancelled.Output.Contains($"{v}: artifacts in", StringComparison.Ordinal)),
                $"a task finished before the interrupt landed (machine faster than {Steps} steps allow); raise Steps:\n{cancelled.Output}");
            output.WriteLine($"cancelled build: {cancelled.Elapsed.TotalSeconds:0.0} s");
        }
        Assert.Empty(LocalSlurm.ActiveTasks(job));

        var resumed = project.Build(OnSlurm).ShouldSucceed().ShouldSay("Submitted Slurm job");
        foreach (var variant in Variants)
        {
            var resume = BuildLog.Resume(resumed.Output, variant);
            Assert.True(resume is { Done: > 0 }, $"{variant} did not resume from a checkpoint:\n{resumed.Output}");
            resumed.ShouldSay($"{variant} step {Steps}/{Steps}");
        }
        output.WriteLine($"resumed build: {resumed.Elapsed.TotalSeconds:0.0} s");
    }

    [FactWithSlurm]
    public void Without_waiting_the_build_submits_and_returns_and_the_next_build_collects_what_finished()
    {
        var project = Sweep("SlurmNoWait", "[Training(MaxSteps = 2, LearningRate = 1e-3, BatchSize = 2, LoggingSteps = 1)]");
        string[] noWait = [.. OnSlurm, "-p:LoraSchedulerWait=false", "-p:LoraExperiments=sweep/rank-2"];
        var submit = project.Build(noWait).ShouldSucceed().ShouldSay("Submitted Slurm job", "not waiting").ShouldNotSay("sweep/rank-2: artifacts in");
        string job = JobPattern().Match(submit.Output).Groups[1].Value;
        var deadline = DateTime.UtcNow + LineWait;
        while (LocalSlurm.ActiveTasks(job).Count > 0 && DateTime.UtcNow < deadline) Thread.Sleep(1000);
        Assert.Empty(LocalSlurm.ActiveTasks(job));

        var collect = project.Build(noWait).ShouldSucceed()
            .ShouldSay($"Collecting Slurm job {job}", "sweep/rank-2 step 2/2", "sweep/rank-2: artifacts in", "nothing submitted to Slurm");
        Assert.True(File.Exists(project.AdapterFile("sweep/rank-2")));
        output.WriteLine($"submitting build: {submit.Elapsed.TotalSeconds:0.0} s; collecting build: {collect.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>The template's experiment as a three-variant rank sweep on its built-in model, with <paramref name="training"/>,
    /// a 60-row dataset, and no evaluation or merge (not what these tests are about).</summary>
    ScratchProject Sweep(string name, string training)
    {
        var project = sdk.FromTemplate(name);
        project.Replace("Experiment.cs", @"\[Experiment\(""[^""]+""", $"[Sweep(\"Rank\", 2, 4, 8)]\n[Experiment(\"{Experiment}\"");
        project.Replace("Experiment.cs", TemplateSource.TrainingAttribute, training);
        project.RemoveLines("Experiment.cs", TemplateSource.EvaluationLines);
        project.RemoveLines("Experiment.cs", @"^[ \t]*\[Merge\(.*\)\][ \t]*\r?\n");
        string datasetPath = TemplateSource.DatasetPath(project.Read("Experiment.cs"));
        project.Write(datasetPath, string.Join("\n", project.Read(datasetPath).Split('\n').Take(60)) + "\n");
        return project;
    }

    [GeneratedRegex(@"Submitted Slurm job (\S+):")]
    private static partial Regex JobPattern();
}
