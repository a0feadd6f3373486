using System.Globalization;

namespace Lora.Runtime.Reports;

/// <summary>How reports and the build's lines write metrics: values, changes against the base, which direction is better.</summary>
public static class MetricText
{
    /// <summary>Up to four decimals, invariant culture; "–" for a value that is missing or not finite.</summary>
    public static string Value(double value) => double.IsFinite(value) ? value.ToString("0.####", CultureInfo.InvariantCulture) : "–";

    /// <summary>A signed change, e.g. +0.4438 or -1.2.</summary>
    public static string Change(double change) => double.IsFinite(change) ? change.ToString("+0.####;-0.####;±0", CultureInfo.InvariantCulture) : "–";

    /// <summary>Whether a smaller value of the metric is the better one (losses and perplexity).</summary>
    public static bool LowerIsBetter(string metric) => metric is nameof(Lora.Metric.Perplexity) or nameof(Lora.Metric.EvalLoss);

    /// <summary>
    /// The headline of an evaluation: its first configured metric that was scored, tuned against base, e.g.
    /// "Accuracy 0.9539 (base 0.5101, +0.4438)"; null when none of them was scored.
    /// </summary>
    public static string? Headline(IReadOnlyList<Lora.Metric> metrics, IReadOnlyDictionary<string, double> baseScores, IReadOnlyDictionary<string, double> tunedScores)
    {
        foreach (var name in metrics.Select(m => m.ToString()))
        {
            if (!tunedScores.TryGetValue(name, out double tuned)) continue;
            return baseScores.TryGetValue(name, out double b)
                ? $"{name} {Value(tuned)} (base {Value(b)}, {Change(tuned - b)})"
                : $"{name} {Value(tuned)}";
        }
        return null;
    }
}
