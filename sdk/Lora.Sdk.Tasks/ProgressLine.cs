using System.Globalization;

namespace Lora.Sdk.Tasks;

/// <summary>A <c>##lora progress</c> payload, shown as "spam-filter step 12/40 loss 1.234 lr 2.0e-04 1,234 tok/s ETA 0:42".</summary>
internal sealed record ProgressLine(string Experiment, int Step, int Total, double Loss, double LearningRate, double TokensPerSecond, double EtaSeconds)
{
    /// <summary>Reads the JSON payload; null when it is not a progress object.</summary>
    public static ProgressLine? TryParse(string json)
    {
        if (JsonFields.Object(json) is not { } o
            || JsonFields.String(o, RunnerProtocol.Field.Experiment) is not { } experiment
            || JsonFields.Number(o, RunnerProtocol.Field.Step) is not { } step
            || JsonFields.Number(o, RunnerProtocol.Field.Total) is not { } total)
        {
            return null;
        }

        return new ProgressLine(experiment, (int)step, (int)total,
            JsonFields.Number(o, RunnerProtocol.Field.Loss) ?? double.NaN, JsonFields.Number(o, RunnerProtocol.Field.LearningRate) ?? double.NaN,
            JsonFields.Number(o, RunnerProtocol.Field.TokensPerSecond) ?? double.NaN, JsonFields.Number(o, RunnerProtocol.Field.EtaSeconds) ?? double.NaN);
    }

    /// <summary>The build message.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture,
        $"{Experiment} step {Step}/{Total} loss {Loss:0.000} lr {LearningRate:0.0e+00} {TokensPerSecond:N0} tok/s ETA {Duration(EtaSeconds)}");

    /// <summary>m:ss below an hour, h:mm:ss above; "?" when unknown.</summary>
    public static string Duration(double seconds)
    {
        if (double.IsNaN(seconds) || double.IsInfinity(seconds) || seconds < 0)
        {
            return "?";
        }

        var time = TimeSpan.FromSeconds(Math.Round(seconds));
        return time.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)time.TotalHours}:{time.Minutes:00}:{time.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{time.Minutes}:{time.Seconds:00}");
    }
}
