using System.Globalization;

namespace Lora.Runtime.Reports;

/// <summary>Round tick values for a chart axis: steps of 1, 2 or 5 × 10ⁿ, spanning the data, about <c>count</c> of them.</summary>
public sealed record AxisTicks(double Min, double Max, double Step)
{
    /// <summary>Ticks covering [<paramref name="low"/>, <paramref name="high"/>]; a flat range is widened so it still has a scale.</summary>
    /// <param name="low">The smallest value to show.</param>
    /// <param name="high">The largest value to show.</param>
    /// <param name="count">About how many intervals.</param>
    /// <param name="wholeNumbers">Steps of at least 1 (training steps, ranks).</param>
    public static AxisTicks Covering(double low, double high, int count = 5, bool wholeNumbers = false)
    {
        if (!double.IsFinite(low) || !double.IsFinite(high)) throw new ArgumentException($"an axis needs finite bounds, not [{low}, {high}]");
        if (high - low < 1e-12 * Math.Max(1, Math.Abs(high)))
        {
            double pad = Math.Abs(high) > 0 ? Math.Abs(high) * 0.1 : 1;
            (low, high) = (low - pad, high + pad);
        }
        double raw = (high - low) / Math.Max(1, count);
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(m => m * magnitude).First(s => s >= raw * (1 - 1e-9));
        if (wholeNumbers) step = Math.Max(1, Math.Round(step));
        return new AxisTicks(Math.Floor(low / step + 1e-9) * step, Math.Ceiling(high / step - 1e-9) * step, step);
    }

    /// <summary>The tick values from <see cref="Min"/> to <see cref="Max"/>.</summary>
    public IReadOnlyList<double> Values
    {
        get
        {
            int n = (int)Math.Round((Max - Min) / Step);
            return Enumerable.Range(0, n + 1).Select(i => Min + i * Step).ToList();
        }
    }

    /// <summary>A tick's label with as many decimals as the step needs (0.05 steps: two), in the invariant culture.</summary>
    public string Label(double value)
    {
        int decimals = Math.Max(0, (int)-Math.Floor(Math.Log10(Step) + 1e-9));
        return Math.Round(value, decimals).ToString("F" + decimals, CultureInfo.InvariantCulture);
    }
}
