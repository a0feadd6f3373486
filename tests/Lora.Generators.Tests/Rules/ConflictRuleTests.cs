using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Rules;

/// <summary>LORA0011–0014, LORA0085: settings that contradict each other; LORA0015: a setting value not supported yet; LORA0016: no
/// effect; LORA0080: an export without the merge it exports.</summary>
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

    [Theory]
    [InlineData("[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 128, {|LORA0016:TextField = \"body\"|})]", "only Format = DatasetFormat.Jsonl reads a text field")]
    [InlineData("[Dataset(\"data/tokens.jsonl\", Format = DatasetFormat.TokenIds, MaxLength = 128, {|LORA0016:TrainOnInputs = true|})]", "TokenIds rows have no prompt")]
    [InlineData("[Dataset(\"data/tokens.jsonl\", Format = DatasetFormat.TokenIds, MaxLength = 128, {|LORA0016:AddEos = false|})]", "token-id rows are used as written")]
    [InlineData("[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 128, EvalPath = \"data/train.jsonl\", {|LORA0016:EvalFraction = 0.1|})]", "holds the eval rows")]
    [InlineData("[Training({|LORA0016:EarlyStoppingPatience = 2|})]", "there are no eval rows")]
    [InlineData("[Training({|LORA0016:EvalSteps = 10|})]", "there are no eval rows")]
    [InlineData("[Evaluate(Metric.Perplexity, {|LORA0016:MaxNewTokens = 8|})]", "no metric generates text")]
    [InlineData("[LoraAdapter({|LORA0016:Rank = 16|}, InitFrom = \"adapters/start\")]", "loads an adapter with its own Rank")]
    [InlineData("[Evaluate(Metric.Perplexity, {|LORA0016:ChoicesPath = \"data/questions.jsonl\"|})]", "no metric scores multiple-choice questions")]
    public void LORA0016_a_setting_that_cannot_take_effect_is_reported_at_the_argument(string line, string why)
    {
        var run = new TestProject().Verify(Experiments.With(line));
        Assert.Contains(why, run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0016_add_eos_on_chat_rows_is_reported_at_the_argument()
    {
        var run = new TestProject().WithChatTemplate()
            .Verify(Experiments.With("[Dataset(\"data/chat.jsonl\", Format = DatasetFormat.Chat, MaxLength = 128, {|LORA0016:AddEos = true|})]"));
        Assert.Contains("as the model's chat template writes it", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0016_precision_under_a_4_bit_base_is_reported_at_the_argument()
    {
        var run = new TestProject().Verify(Experiments.With("[Quantize(QuantType.NF4)]", "[Training({|LORA0016:Precision = ComputeType.BFloat16|})]"));
        Assert.Contains("[Quantize(ComputeType = ...)]", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 128, EvalFraction = 0.2)]", "[Training(EarlyStoppingPatience = 2, EvalSteps = 10)]")]
    [InlineData("[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 128, TrainOnInputs = true, AddEos = false)]", "[Evaluate(Metric.RougeL, MaxNewTokens = 8)]")]
    [InlineData("[LoraAdapter(InitFrom = \"adapters/start\")]", "[Training(Precision = ComputeType.BFloat16)]")]
    [InlineData("[Evaluate(Metric.ChoiceAccuracyNorm, ChoicesPath = \"data/questions.jsonl\")]", "[Expect(Metric.ChoiceAccuracyNorm, AtLeast = 0.5)]")]
    public void LORA0016_not_reported_where_the_settings_take_effect(string first, string second)
    {
        new TestProject().Verify(Experiments.With(first, second));
    }

    [Fact]
    public void LORA0085_a_multiple_choice_metric_without_questions_is_reported_at_the_metrics()
    {
        var run = new TestProject().Verify(Experiments.With("[Evaluate({|LORA0085:Metric.Perplexity, Metric.ChoiceAccuracy|})]"));
        Assert.Contains("Metric.ChoiceAccuracy scores multiple-choice questions, and [Evaluate] names none; set ChoicesPath", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[Evaluate(Metric.ChoiceAccuracy, Metric.ChoiceAccuracyNorm, ChoicesPath = \"data/questions.jsonl\")]")]
    [InlineData("[Evaluate(Metric.Perplexity, Metric.Accuracy)]")]
    public void LORA0085_not_reported_with_questions_or_without_a_choice_metric(string evaluate)
    {
        new TestProject().Verify(Experiments.With(evaluate));
    }

    [Fact]
    public void LORA0080_export_without_a_merge()
    {
        var run = new TestProject().Verify(Experiments.With("[{|LORA0080:Export(Gguf = GgufType.Q8_0)|}]"));
        Assert.Contains("[Export] writes the merged model as GGUF, and the experiment has no [Merge]; add [Merge]", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0080_not_reported_with_a_merge_and_the_export_reaches_the_config()
    {
        var run = new TestProject().Verify(Experiments.With("[Merge]", "[Export(Gguf = GgufType.Q8_0)]"));
        Assert.Empty(run.CompileErrors);
        Assert.Contains("Export: new global::Lora.ExportSettings(\n", run.Generated("App.Demo.g.cs").Replace("\r\n", "\n"), StringComparison.Ordinal);
        Assert.Contains("Gguf: global::Lora.GgufType.Q8_0", run.Generated("App.Demo.g.cs"), StringComparison.Ordinal);
        var defaults = new TestProject().Verify(Experiments.With("[Merge]", "[Export]"));
        Assert.Contains("Gguf: global::Lora.GgufType.F16", defaults.Generated("App.Demo.g.cs"), StringComparison.Ordinal);
    }
}
