using System.Text.Json;
using Lora.Runtime.Experiments;

namespace Lora.Runtime.Tests.Experiments;

/// <summary>
/// Issue 20: `lora experiment plan`, what a scheduler submits: an experiment that needs computing gets a plan line with its
/// training memory estimate, and nothing is computed; once it is trained, it is reported up to date with its expectations.
/// </summary>
public sealed class ExperimentPlanTests
{
    public ExperimentPlanTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    [Fact]
    public void Plan_names_what_needs_computing_with_its_memory_estimate_and_reports_the_rest_up_to_date_without_computing()
    {
        using var dir = new TempFolder();
        var config = FixtureExperiment.Config(dir.Path, FixtureExperiment.WriteDataset(dir)) with
        {
            Evaluation = new Lora.EvaluationSettings([Lora.Metric.Perplexity], MaxNewTokens: 8),
            Expectations = [new Lora.ExpectationSettings(Lora.Metric.Perplexity, AtLeast: null, AtMost: 1e9)],
        };
        var options = new RunnerOptions { ArtifactsRoot = dir.Child("artifacts") };
        (int Exit, string Log) Plan()
        {
            var output = new StringWriter();
            int exit = new ExperimentHost(options, new BuildProtocol(output)).Plan([config], []);
            return (exit, output.ToString());
        }

        var before = Plan();
        Assert.Equal(0, before.Exit);
        var line = Assert.Single(before.Log.Split('\n'), l => l.StartsWith(BuildProtocol.Prefix + RunnerProtocol.Kind.Plan + " ", StringComparison.Ordinal));
        using var plan = JsonDocument.Parse(line[(BuildProtocol.Prefix.Length + RunnerProtocol.Kind.Plan.Length + 1)..]);
        Assert.Equal(config.FullName, plan.RootElement.GetProperty(RunnerProtocol.Field.Experiment).GetString());
        Assert.Equal(ExperimentMemory.EstimateMiB(config, TorchSharp.torch.CPU), plan.RootElement.GetProperty(RunnerProtocol.Field.MemoryMiB).GetDouble(), 1);
        Assert.True(plan.RootElement.GetProperty(RunnerProtocol.Field.MemoryMiB).GetDouble() > 0);
        Assert.False(Directory.Exists(ExperimentPaths.For(options.ArtifactsRoot, config).Adapter), "plan trained");

        Assert.Equal(0, new ExperimentHost(options, new BuildProtocol(new StringWriter())).Run([config], [], default));
        var after = Plan();
        Assert.DoesNotContain(BuildProtocol.Prefix + RunnerProtocol.Kind.Plan, after.Log);
        Assert.Contains($"{config.FullName}: up to date", after.Log);
        Assert.Contains(BuildProtocol.Prefix + RunnerProtocol.Kind.Expectation, after.Log);
    }
}
