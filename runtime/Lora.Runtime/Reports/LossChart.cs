namespace Lora.Runtime.Reports;

/// <summary>loss.svg: the training loss of every step and the eval loss of every evaluation on one chart.</summary>
public static class LossChart
{
    /// <param name="trainLosses">The loss of each optimizer step, the first at step 1.</param>
    /// <param name="evals">The evaluations: after which step, and the mean eval loss.</param>
    /// <returns>The SVG, or null with fewer than two training steps (a single point is no curve).</returns>
    public static string? Svg(IReadOnlyList<double> trainLosses, IReadOnlyList<(int Step, double Loss)> evals)
    {
        if (trainLosses.Count < 2) return null;
        var series = new List<ChartSeries> { new("train loss", trainLosses.Select((l, i) => ((double)(i + 1), l)).ToList(), "steelblue") };
        if (evals.Count > 0) series.Add(new("eval loss", evals.OrderBy(e => e.Step).Select(e => ((double)e.Step, e.Loss)).ToList(), "darkorange"));
        return SvgChart.Line("Training and eval loss", "optimizer step", "loss (mean token cross-entropy)", series, wholeX: true);
    }
}
