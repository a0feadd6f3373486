using Lora.Sdk.Tasks;

namespace Lora.Sdk.Tests.Tasks;

/// <summary>Reading the runner's protocol lines.</summary>
public sealed class ProtocolLineTests
{
    [Theory]
    [InlineData("##lora info hello world", "info", "hello world")]
    [InlineData("##lora skipped a: up to date (fingerprint x)", "skipped", "a: up to date (fingerprint x)")]
    [InlineData("##lora done", "done", "")]
    public void Splits_kind_and_payload(string line, string kind, string payload)
    {
        Assert.True(ProtocolLine.TryParse(line, out var parsed));
        Assert.Equal(new ProtocolLine(kind, payload), parsed);
    }

    [Theory]
    [InlineData("plain output")]
    [InlineData("##loraprogress {}")]
    [InlineData(" ##lora info indented")]
    public void Other_lines_are_plain_output(string line) => Assert.False(ProtocolLine.TryParse(line, out _));

    [Fact]
    public void Progress_reads_as_step_loss_learning_rate_throughput_and_eta()
    {
        var line = ProgressLine.TryParse("""{"experiment":"e","step":3,"total":3000,"epoch":0.1,"loss":0.12345,"lr":0.00005,"tokens_per_s":1234567.8,"eta_s":3725}""");

        Assert.Equal("e step 3/3000 loss 0.123 lr 5.0e-05 1,234,568 tok/s ETA 1:02:05", line!.Format());
    }

    [Theory]
    [InlineData(double.NaN, "?")]
    [InlineData(-1, "?")]
    [InlineData(0, "0:00")]
    [InlineData(59.6, "1:00")]
    [InlineData(42, "0:42")]
    [InlineData(3600, "1:00:00")]
    public void Durations_read_as_minutes_and_seconds(double seconds, string text) => Assert.Equal(text, ProgressLine.Duration(seconds));

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("""{"step": 1}""")]
    public void Malformed_progress_is_not_a_progress_line(string json) => Assert.Null(ProgressLine.TryParse(json));

    [Fact]
    public void An_unmeasured_expectation_says_what_to_evaluate()
    {
        var line = ExpectationLine.TryParse("""{"experiment":"e","metric":"RougeL","actual":null,"at_least":null,"at_most":12.5,"passed":false}""");

        Assert.Equal("Experiment 'e': [Expect(Metric.RougeL, AtMost = 12.5)] cannot be checked: RougeL was not measured. Add Metric.RougeL to the experiment's [Evaluate(...)].",
            line!.FormatFailed());
    }

    [Fact]
    public void An_expectation_above_its_maximum_names_the_threshold()
    {
        var line = ExpectationLine.TryParse("""{"experiment":"e","metric":"Perplexity","actual":20.25,"at_least":null,"at_most":12.5,"passed":false}""");

        Assert.StartsWith("Experiment 'e': [Expect(Metric.Perplexity, AtMost = 12.5)] not met: Perplexity is 20.2500, above the threshold 12.5.", line!.FormatFailed());
    }

    [Fact]
    public void A_non_finite_measurement_fails_its_expectation_saying_so()
    {
        // As the runner writes it (BuildProtocol.Expectation): JSON has no NaN, so the value travels as text.
        var line = ExpectationLine.TryParse("""{"experiment":"e","metric":"Perplexity","actual":null,"actual_not_finite":"NaN","at_least":null,"at_most":12.5,"passed":false}""");

        Assert.StartsWith("Experiment 'e': [Expect(Metric.Perplexity, AtMost = 12.5)] not met: Perplexity is NaN, not a finite number", line!.FormatFailed());
    }
}
