using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Rules;

/// <summary>LORA0030–0035: sweeps, and the variants they expand into.</summary>
public sealed class SweepRuleTests
{
    [Fact]
    public void LORA0030_unknown_setting_suggests_the_closest()
    {
        var run = new TestProject().Verify(Experiments.With("[Sweep({|LORA0030:\"Rnak\"|}, 4, 8)]"));
        Assert.StartsWith("[Sweep] names 'Rnak' (did you mean 'Rank'?), which is not a setting that can be swept; expected one of Rank, Alpha,", run.Single.GetMessage(), StringComparison.Ordinal);
        Assert.Equal("Rank", run.Single.Properties["Suggestion"]);
    }

    [Theory]
    [InlineData("Targets")]
    [InlineData("Path")]
    [InlineData("Training.Rank")]
    public void LORA0030_settings_that_cannot_be_swept(string name)
    {
        new TestProject().Verify(Experiments.With("[Sweep({|LORA0030:\"" + name + "\"|}, 4, 8)]"));
    }

    [Theory]
    [InlineData("Rank")]
    [InlineData("LoraAdapter.Rank")]
    [InlineData("Adapter.Rank")]
    public void LORA0030_not_reported_for_plain_or_qualified_names(string name)
    {
        new TestProject().Verify(Experiments.With("[Sweep(\"" + name + "\", 4, 8)]"));
    }

    [Theory]
    [InlineData("[Sweep(\"Rank\", 4, {|LORA0031:8.5|})]")]
    [InlineData("[Sweep(\"Rank\", {|LORA0031:\"8\"|})]")]
    [InlineData("[Sweep(\"Schedule\", LrSchedule.Cosine, {|LORA0031:QuantType.NF4|})]")]
    [InlineData("[Sweep(\"UseRsLora\", true, {|LORA0031:1|})]")]
    public void LORA0031_value_of_the_wrong_type(string sweep)
    {
        new TestProject().Verify(Experiments.With(sweep));
    }

    [Theory]
    [InlineData("[Sweep(\"Alpha\", 8, 16.5)]")]
    [InlineData("[Sweep(\"Schedule\", LrSchedule.Cosine, LrSchedule.Linear)]")]
    [InlineData("[Sweep(\"UseRsLora\", true, false)]")]
    public void LORA0031_not_reported_for_values_of_the_setting_type(string sweep)
    {
        new TestProject().Verify(Experiments.With(sweep));
    }

    [Fact]
    public void LORA0032_repeated_value()
    {
        new TestProject().Verify(Experiments.With("[Sweep(\"Rank\", 4, 8, {|LORA0032:4|})]"));
    }

    [Fact]
    public void LORA0032_not_reported_for_distinct_values()
    {
        new TestProject().Verify(Experiments.With("[Sweep(\"Rank\", 4, 8, 16)]"));
    }

    [Fact]
    public void LORA0033_sweep_over_a_setting_of_a_missing_attribute()
    {
        var run = new TestProject().Verify(Experiments.With("[Sweep({|LORA0033:\"DoubleQuant\"|}, true, false)]"));
        Assert.Contains("add [Quantize]", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0033_not_reported_when_the_attribute_is_present()
    {
        new TestProject().Verify(Experiments.With("[Quantize(QuantType.NF4)]", "[Sweep(\"DoubleQuant\", true, false)]"));
    }

    [Fact]
    public void LORA0034_sweep_without_values()
    {
        new TestProject().Verify(Experiments.With("[{|LORA0034:Sweep(\"Rank\")|}]"));
    }

    [Fact]
    public void LORA0034_not_reported_with_one_value()
    {
        new TestProject().Verify(Experiments.With("[Sweep(\"Rank\", 16)]"));
    }

    [Fact]
    public void LORA0035_setting_swept_twice()
    {
        new TestProject().Verify(Experiments.With("[Sweep(\"Rank\", 4)]", "[Sweep({|LORA0035:\"LoraAdapter.Rank\"|}, 8)]"));
    }

    [Fact]
    public void LORA0035_not_reported_for_different_settings()
    {
        new TestProject().Verify(Experiments.With("[Sweep(\"Rank\", 4)]", "[Sweep(\"Alpha\", 8)]"));
    }

    [Fact]
    public void Swept_values_are_range_checked_where_they_are_written()
    {
        new TestProject().Verify(Experiments.With("[Sweep(\"Rank\", 4, {|LORA0010:0|})]"));
    }

    [Fact]
    public void Sweeps_multiply_into_named_variants()
    {
        var run = new TestProject().Verify(Experiments.With("[Sweep(\"Rank\", 4, 8)]", "[Sweep(\"LearningRate\", 1e-4, 3e-4)]"));
        var generated = run.Generated("App.Demo.g.cs");
        foreach (var name in new[] { "rank-4/learning-rate-0.0001", "rank-4/learning-rate-0.0003", "rank-8/learning-rate-0.0001", "rank-8/learning-rate-0.0003" })
        {
            Assert.Contains("VariantName = \"" + name + "\"", generated, StringComparison.Ordinal);
        }

        Assert.Contains("All { get; } = new global::Lora.ExperimentConfig[] { Rank4_LearningRate0_0001, Rank4_LearningRate0_0003, Rank8_LearningRate0_0001, Rank8_LearningRate0_0003 };", generated, StringComparison.Ordinal);
    }
}
