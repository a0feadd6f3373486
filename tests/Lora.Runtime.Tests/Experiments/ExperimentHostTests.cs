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
}
