using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Rules;

/// <summary>LORA0011–0014: settings that contradict each other; LORA0015: a setting value not supported yet.</summary>
public sealed class ConflictRuleTests
{
    [Fact]
    public void LORA0011_warmup_steps_and_ratio_both_set()
    {
        var run = new TestProject().Verify(Experiments.With("[Training(WarmupSteps = 10, {|LORA0011:WarmupRatio = 0.1|})]"));
        Assert.Contains("WarmupSteps = 10 and WarmupRatio = 0.1", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Training(WarmupSteps = 0, WarmupRatio = 0.03)]")]
    [InlineData("[Training(WarmupSteps = 100)]")]
    [InlineData("[Training(WarmupRatio = 0.05)]")]
    public void LORA0011_not_reported_for_one_warmup(string training)
    {
        new TestProject().Verify(Experiments.With(training));
    }

    [Fact]
    public void LORA0012_epochs_and_max_steps_both_set()
    {
        var run = new TestProject().Verify(Experiments.With("[Training(Epochs = 3, {|LORA0012:MaxSteps = 100|})]"));
        Assert.Contains("Remove Epochs to train for 100 steps, or MaxSteps to train for 3 epochs", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Training(Epochs = 3, MaxSteps = 0)]")]
    [InlineData("[Training(MaxSteps = 100)]")]
    public void LORA0012_not_reported_when_only_one_applies(string training)
    {
        new TestProject().Verify(Experiments.With(training));
    }

    [Fact]
    public void LORA0013_expectation_without_bound()
    {
        new TestProject().Verify(Experiments.With("[Evaluate(Metric.Perplexity)]", "[{|LORA0013:Expect(Metric.Perplexity)|}]"));
    }

    [Theory]
    [InlineData("[Expect(Metric.Perplexity, AtMost = 20)]")]
    [InlineData("[Expect(Metric.Perplexity, AtLeast = 1, AtMost = 20)]")]
    public void LORA0013_not_reported_with_a_bound(string expect)
    {
        new TestProject().Verify(Experiments.With("[Evaluate(Metric.Perplexity)]", expect));
    }

    [Fact]
    public void LORA0014_expectation_on_a_metric_that_is_not_evaluated()
    {
        var run = new TestProject().Verify(Experiments.With("[Evaluate(Metric.Perplexity)]", "[Expect({|LORA0014:Metric.Accuracy|}, AtLeast = 0.9)]"));
        Assert.Contains("(it evaluates Perplexity); add Metric.Accuracy to [Evaluate]", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0014_expectation_without_any_evaluation()
    {
        var run = new TestProject().Verify(Experiments.With("[Expect({|LORA0014:Metric.Accuracy|}, AtLeast = 0.9)]"));
        Assert.Contains("it has no [Evaluate]", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0014_not_reported_for_an_evaluated_metric()
    {
        new TestProject().Verify(Experiments.With("[Evaluate(Metric.Perplexity, Metric.Accuracy)]", "[Expect(Metric.Accuracy, AtLeast = 0.9)]", "[Expect(Metric.Perplexity, AtMost = 30)]"));
    }

    [Fact]
    public void LORA0015_an_unchecked_merge_is_reported_at_the_argument()
    {
        var run = new TestProject().Verify(Experiments.With("[Merge({|LORA0015:SafeMerge = false|})]"));
        Assert.Contains("SafeMerge = false is not supported yet", run.Single.GetMessage(), StringComparison.Ordinal);
        new TestProject().Verify(Experiments.With("[Merge(SafeMerge = true)]"));
    }

    [Fact]
    public void LORA0015_an_8_bit_base_is_reported_at_the_argument_saying_what_to_use()
    {
        var run = new TestProject().Verify(Experiments.With("[Quantize({|LORA0015:QuantType.Int8|})]"));
        Assert.Contains("Type = QuantType.Int8 is not supported yet", run.Single.GetMessage(), StringComparison.Ordinal);
        Assert.Contains("QuantType.NF4", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Quantize(QuantType.NF4)]")]
    [InlineData("[Quantize(QuantType.FP4, DoubleQuant = true)]")]
    public void LORA0015_not_reported_for_4_bit_bases(string quantize)
    {
        new TestProject().Verify(Experiments.With(quantize));
    }
}
