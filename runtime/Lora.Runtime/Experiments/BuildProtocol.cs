using System.Globalization;
using System.Text.Json.Nodes;

namespace Lora.Runtime.Experiments;

/// <summary>
/// Writes the runner's side of <see cref="RunnerProtocol"/>: <c>##lora &lt;kind&gt; &lt;payload&gt;</c>, one line each, flushed.
/// </summary>
public sealed class BuildProtocol(TextWriter output)
{
    public const string Prefix = RunnerProtocol.Prefix;
    readonly object _gate = new();

    public void Info(string text) => Write(RunnerProtocol.Kind.Info, text);
    public void Skipped(string experiment, string why) => Write(RunnerProtocol.Kind.Skipped, $"{experiment}: {why}");
    /// <summary>An error; with a location, a JSON object the build logs at that file, line and column (and code).</summary>
    public void Error(string text, ErrorLocation? at = null) => Write(RunnerProtocol.Kind.Error, at is null
        ? text.ReplaceLineEndings(" | ")
        : new JsonObject
        {
            [RunnerProtocol.Field.Text] = text.ReplaceLineEndings(" | "), [RunnerProtocol.Field.Code] = at.Code,
            [RunnerProtocol.Field.File] = at.File, [RunnerProtocol.Field.Line] = at.Line, [RunnerProtocol.Field.Column] = at.Column,
        }.ToJsonString());
    public void Done(string experiment, string summary) => Write(RunnerProtocol.Kind.Done, $"{experiment}: {summary}");

    /// <summary>An experiment that needs computing, with its estimated training memory (<c>lora experiment plan</c>).</summary>
    public void Plan(string experiment, double memoryMiB) =>
        Write(RunnerProtocol.Kind.Plan, new JsonObject
        {
            [RunnerProtocol.Field.Experiment] = experiment, [RunnerProtocol.Field.MemoryMiB] = Math.Round(memoryMiB, 1),
        }.ToJsonString());

    public void Progress(string experiment, Lora.TrainingProgress p, double tokensPerSecond, double etaSeconds) =>
        Write(RunnerProtocol.Kind.Progress, new JsonObject
        {
            [RunnerProtocol.Field.Experiment] = experiment, [RunnerProtocol.Field.Step] = p.Step, [RunnerProtocol.Field.Total] = p.TotalSteps,
            [RunnerProtocol.Field.Epoch] = Math.Round(p.Epoch, 3), [RunnerProtocol.Field.Loss] = Math.Round(p.Loss, 5),
            [RunnerProtocol.Field.LearningRate] = p.LearningRate, [RunnerProtocol.Field.TokensPerSecond] = Math.Round(tokensPerSecond, 1),
            [RunnerProtocol.Field.EtaSeconds] = Math.Round(etaSeconds, 1),
        }.ToJsonString());

    /// <summary>An [Expect] checked, with where it is written (<paramref name="at"/>, from the generated configuration).</summary>
    public void Expectation(string experiment, Lora.ExpectationOutcome o, string? file = null, Lora.AttributeLocation? at = null) =>
        Write(RunnerProtocol.Kind.Expectation, new JsonObject
        {
            [RunnerProtocol.Field.Experiment] = experiment, [RunnerProtocol.Field.Metric] = o.Expectation.Metric.ToString(),
            [RunnerProtocol.Field.Actual] = o.Actual is { } a && double.IsFinite(a) ? a : null,
            [RunnerProtocol.Field.ActualNotFinite] = o.Actual is { } n && !double.IsFinite(n) ? n.ToString(CultureInfo.InvariantCulture) : null,
            [RunnerProtocol.Field.AtLeast] = o.Expectation.AtLeast, [RunnerProtocol.Field.AtMost] = o.Expectation.AtMost, [RunnerProtocol.Field.Passed] = o.Passed,
            [RunnerProtocol.Field.File] = at is null ? null : file, [RunnerProtocol.Field.Line] = at?.Line, [RunnerProtocol.Field.Column] = at?.Column,
        }.ToJsonString());

    void Write(string kind, string payload)
    {
        lock (_gate)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Prefix}{kind} {payload}"));
            output.Flush();
        }
    }
}
