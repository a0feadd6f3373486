using System.Globalization;
using System.Text.Json;

namespace Lora.Runtime.Experiments;

/// <summary>
/// The lines the runner prints for the MSBuild task: <c>##lora &lt;kind&gt; &lt;payload&gt;</c>, one per line.
/// Kinds: progress (JSON), info, skipped, error, expectation (JSON), done.
/// </summary>
public sealed class BuildProtocol(TextWriter output)
{
    public const string Prefix = "##lora ";
    readonly object _gate = new();

    public void Info(string text) => Write("info", text);
    public void Skipped(string experiment, string why) => Write("skipped", $"{experiment}: {why}");
    public void Error(string text) => Write("error", text.ReplaceLineEndings(" | "));
    public void Done(string experiment, string summary) => Write("done", $"{experiment}: {summary}");

    public void Progress(string experiment, Lora.TrainingProgress p, double tokensPerSecond, double etaSeconds) =>
        Write("progress", JsonSerializer.Serialize(new
        {
            experiment, step = p.Step, total = p.TotalSteps, epoch = Math.Round(p.Epoch, 3), loss = Math.Round(p.Loss, 5),
            lr = p.LearningRate, tokens_per_s = Math.Round(tokensPerSecond, 1), eta_s = Math.Round(etaSeconds, 1),
        }));

    public void Expectation(string experiment, Lora.ExpectationOutcome o) =>
        Write("expectation", JsonSerializer.Serialize(new
        {
            // JSON has no NaN or infinity: a non-finite measurement travels as text beside a null value, and fails.
            experiment, metric = o.Expectation.Metric.ToString(), actual = o.Actual is { } a && double.IsFinite(a) ? a : (double?)null,
            actual_not_finite = o.Actual is { } n && !double.IsFinite(n) ? n.ToString(CultureInfo.InvariantCulture) : null,
            at_least = o.Expectation.AtLeast, at_most = o.Expectation.AtMost, passed = o.Passed,
        }));

    void Write(string kind, string payload)
    {
        lock (_gate)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{kind} {payload}"));
            output.Flush();
        }
    }
}
