using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Rules;

/// <summary>LORA0010: every range rule, with a value just outside and one just inside the range.</summary>
public sealed class RangeRuleTests
{
    public static TheoryData<string, string> OutOfRange => new()
    {
        { "[LoraAdapter({|LORA0010:Rank = 0|})]", "[LoraAdapter(Rank = 1)]" },
        { "[LoraAdapter({|LORA0010:Alpha = 0|})]", "[LoraAdapter(Alpha = 0.5)]" },
        { "[LoraAdapter({|LORA0010:Dropout = 1.0|})]", "[LoraAdapter(Dropout = 0.0)]" },
        { "[LoraAdapter({|LORA0010:Dropout = -0.1|})]", "[LoraAdapter(Dropout = 0.999)]" },
        { "[LoraAdapter({|LORA0010:Targets = new string[0]|})]", "[LoraAdapter(Targets = new[] { \"q_proj\" })]" },
        { "[Training({|LORA0010:LearningRate = 0|})]", "[Training(LearningRate = 1e-6)]" },
        { "[Training({|LORA0010:LearningRate = 2|})]", "[Training(LearningRate = 0.5)]" },
        { "[Training({|LORA0010:BatchSize = 0|})]", "[Training(BatchSize = 1)]" },
        { "[Training({|LORA0010:EvalBatchSize = 0|})]", "[Training(EvalBatchSize = 1)]" },
        { "[Training({|LORA0010:GradientAccumulation = 0|})]", "[Training(GradientAccumulation = 1)]" },
        { "[Training({|LORA0010:Epochs = 0|})]", "[Training(Epochs = 1)]" },
        { "[Training({|LORA0010:MaxSteps = -1|})]", "[Training(MaxSteps = 1)]" },
        { "[Training({|LORA0010:WarmupSteps = -5|})]", "[Training(WarmupSteps = 5)]" },
        { "[Training({|LORA0010:WarmupRatio = 1.0|})]", "[Training(WarmupRatio = 0.1)]" },
        { "[Training({|LORA0010:WeightDecay = -0.01|})]", "[Training(WeightDecay = 0.01)]" },
        { "[Training({|LORA0010:MaxGradNorm = -1|})]", "[Training(MaxGradNorm = 0)]" },
        { "[Training({|LORA0010:Beta1 = 1.0|})]", "[Training(Beta1 = 0.0)]" },
        { "[Training({|LORA0010:Beta2 = 1.5|})]", "[Training(Beta2 = 0.95)]" },
        { "[Training({|LORA0010:Epsilon = 0|})]", "[Training(Epsilon = 1e-6)]" },
        { "[Training({|LORA0010:LoggingSteps = 0|})]", "[Training(LoggingSteps = 1)]" },
        { "[Training({|LORA0010:Seed = -1|})]", "[Training(Seed = 0)]" },
        { "[Training({|LORA0010:LearningRate = double.NaN|})]", "[Training(LearningRate = 3e-4)]" },
        { "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 128, {|LORA0010:EvalFraction = 1.0|})]", "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, EvalFraction = 0.0, MaxLength = 128)]" },
        { "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, {|LORA0010:MaxLength = 4|})]", "[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 8)]" },
        { "[Dataset<Email>(\"data/mail.jsonl\", Completion = \" {Label}\", MaxLength = 64, {|LORA0010:EvalFraction = -0.1|})]", "[Dataset<Email>(\"data/mail.jsonl\", Completion = \" {Label}\", MaxLength = 64, EvalFraction = 0.2)]" },
        { "[Evaluate(Metric.RougeL, {|LORA0010:MaxNewTokens = 0|})]", "[Evaluate(Metric.RougeL, MaxNewTokens = 1)]" },
        { "[{|LORA0010:Evaluate|}]", "[Evaluate(Metric.EvalLoss)]" },
    };

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void LORA0010_value_outside_its_range_is_reported_on_the_argument(string invalid, string valid)
    {
        _ = valid;
        new TestProject().Verify(Experiments.With(invalid));
    }

    [Theory]
    [MemberData(nameof(OutOfRange))]
    public void LORA0010_not_reported_for_a_value_inside_its_range(string invalid, string valid)
    {
        _ = invalid;
        new TestProject().Verify(Experiments.With(valid));
    }

    [Fact]
    public void LORA0010_message_says_found_expected_and_what_to_do()
    {
        var run = new TestProject().Verify(Experiments.With("[LoraAdapter({|LORA0010:Rank = 0|})]"));
        Assert.Equal(
            "[LoraAdapter] Rank is 0; expected at least 1. The rank is the adapter's inner width; 8 to 64 are usual.",
            run.Single.GetMessage());
    }

    [Fact]
    public void LORA0010_message_gives_half_open_ranges()
    {
        var run = new TestProject().Verify(Experiments.With("[LoraAdapter({|LORA0010:Dropout = 1.0|})]"));
        Assert.StartsWith("[LoraAdapter] Dropout is 1; expected in [0, 1).", run.Single.GetMessage(), StringComparison.Ordinal);
    }
}
