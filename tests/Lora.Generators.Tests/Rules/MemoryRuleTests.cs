using Lora.Generators.Tests.Infrastructure;
using Microsoft.CodeAnalysis;

namespace Lora.Generators.Tests.Rules;

/// <summary>LORA0060–0061: the memory estimate against LoraMemoryBudget.</summary>
public sealed class MemoryRuleTests
{
    [Fact]
    public void LORA0060_estimate_above_budget_is_a_warning_on_the_experiment()
    {
        var run = new TestProject()
            .WithProperty("LoraMemoryBudget", "1MB")
            .Verify(Experiments.With("[{|LORA0060:Experiment(\"demo\")|}]"));
        Assert.Equal(DiagnosticSeverity.Warning, run.Single.Severity);
        Assert.Matches(@"^'demo' needs about [\d.]+ MiB \(weights .*\), above LoraMemoryBudget 1MB; reduce BatchSize", run.Single.GetMessage());
    }

    [Fact]
    public void LORA0060_names_the_most_expensive_variant()
    {
        var run = new TestProject()
            .WithProperty("LoraMemoryBudget", "16MB")
            .Verify(Experiments.With("[{|LORA0060:Experiment(\"demo\")|}]", "[Training(BatchSize = 1)]", "[Sweep(\"BatchSize\", 1, 64)]"));
        Assert.StartsWith("'demo/batch-size-64' needs about", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1GB")]
    [InlineData("24 GiB")]
    [InlineData("")]
    public void LORA0060_not_reported_within_or_without_budget(string budget)
    {
        new TestProject().WithProperty("LoraMemoryBudget", budget).Verify(Experiments.With());
    }

    [Fact]
    public void LORA0060_quantization_and_checkpointing_lower_the_estimate()
    {
        var plain = Needed(Experiments.With("[{|LORA0060:Experiment(\"demo\")|}]"));
        var lean = Needed(Experiments.With(
            "[{|LORA0060:Experiment(\"demo\")|}]",
            "[Quantize(QuantType.NF4, DoubleQuant = true, ComputeType = ComputeType.BFloat16)]",
            "[Training(GradientCheckpointing = true)]"));
        // The tiny test model's vocabulary is small, so activations do not dominate and the saving is below the large-model one.
        Assert.True(lean < plain * 2 / 3, $"QLoRA with checkpointing needs {lean} MiB, plain LoRA {plain} MiB.");
    }

    [Theory]
    [InlineData("lots")]
    [InlineData("8 parsecs")]
    [InlineData("-1GB")]
    public void LORA0061_budget_that_is_not_a_size(string budget)
    {
        var run = new TestProject().WithProperty("LoraMemoryBudget", budget).WithSource(Experiments.With()).Run();
        var diagnostic = run.Single;
        Assert.Equal("LORA0061", diagnostic.Id);
        Assert.Equal(Location.None, diagnostic.Location);
        Assert.Contains("'" + budget + "' is not a size", diagnostic.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("8GB")]
    [InlineData("1.5 GiB")]
    [InlineData("512mb")]
    public void LORA0061_not_reported_for_sizes(string budget)
    {
        new TestProject().WithProperty("LoraMemoryBudget", budget).Verify(Experiments.With());
    }

    private static double Needed(string source)
    {
        var message = new TestProject().WithProperty("LoraMemoryBudget", "1KB").Verify(source).Single.GetMessage();
        var match = System.Text.RegularExpressions.Regex.Match(message, @"needs about ([\d.]+) MiB");
        Assert.True(match.Success, message);
        return double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }
}
