using System.Globalization;

namespace Lora.Sdk.Tasks;

/// <summary>A <c>##lora expectation</c> payload: one [Expect] checked against the evaluation.</summary>
/// <param name="NotFinite">The measurement when it is not a finite number ("NaN", "Infinity"), which JSON cannot carry as one.</param>
/// <param name="At">Where its [Expect] is written, when the runner knows.</param>
internal sealed record ExpectationLine(string Experiment, string Metric, double? Actual, double? AtLeast, double? AtMost, bool Passed, string? NotFinite = null,
    SourceSpot? At = null)
{
    /// <summary>Reads the JSON payload; null when it is not an expectation object.</summary>
    public static ExpectationLine? TryParse(string json)
    {
        if (JsonFields.Object(json) is not { } o
            || JsonFields.String(o, RunnerProtocol.Field.Experiment) is not { } experiment
            || JsonFields.String(o, RunnerProtocol.Field.Metric) is not { } metric
            || JsonFields.Boolean(o, RunnerProtocol.Field.Passed) is not { } passed)
        {
            return null;
        }

        return new ExpectationLine(experiment, metric, JsonFields.Number(o, RunnerProtocol.Field.Actual), JsonFields.Number(o, RunnerProtocol.Field.AtLeast), JsonFields.Number(o, RunnerProtocol.Field.AtMost), passed,
            JsonFields.String(o, RunnerProtocol.Field.ActualNotFinite), ProtocolRelay.Spot(o));
    }

    /// <summary>The threshold as written in the attribute: "AtLeast = 0.9", "AtMost = 12", or both.</summary>
    public string Threshold => string.Join(", ", new[]
    {
        AtLeast is { } low ? Invariant($"AtLeast = {low}") : null,
        AtMost is { } high ? Invariant($"AtMost = {high}") : null,
    }.Where(part => part is not null));

    /// <summary>"Accuracy 0.950 (AtLeast = 0.9): met" — the line for a passed expectation.</summary>
    public string FormatPassed() => Invariant($"{Experiment}: {Metric} {Actual:0.0000} ({Threshold}): met");

    /// <summary>What went wrong, naming metric, value and threshold.</summary>
    public string FormatFailed()
    {
        var attribute = $"[Expect(Metric.{Metric}, {Threshold})]";
        if (NotFinite is { } value)
        {
            return $"Experiment '{Experiment}': {attribute} not met: {Metric} is {value}, not a finite number: the evaluation diverged. " +
                   "Look at the training loss in run.json (learning rate, precision, data) before the threshold.";
        }

        if (Actual is not { } actual)
        {
            return $"Experiment '{Experiment}': {attribute} cannot be checked: {Metric} was not measured. Add Metric.{Metric} to the experiment's [Evaluate(...)].";
        }

        var side = AtLeast is { } low && actual < low ? Invariant($"below the threshold {low}")
            : AtMost is { } high && actual > high ? Invariant($"above the threshold {high}")
            : $"outside {Threshold}";
        return Invariant($"Experiment '{Experiment}': {attribute} not met: {Metric} is {actual:0.0000}, {side}. ") +
               "Improve the experiment (data, steps, learning rate) or change the threshold.";
    }

    static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
