using System.Globalization;
using System.Xml.Linq;
using Lora.Runtime.Reports;

namespace Lora.Runtime.Tests.Reports;

/// <summary>The loss chart: well-formed SVG with both curves, axes, round ticks and their labels, the same bytes for the same run.</summary>
public class ChartTests
{
    static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Theory]
    // 0.13..2.71 in about 5 intervals: a raw step of 0.516; of 0.1 × {1, 2, 5, 10} the first at least that is 1.
    [InlineData(0.13, 2.71, 5, false, 0.0, 3.0, 1.0)]
    // 1.8..2.3: raw 0.1 → 0.1; from 1.8 to 2.3.
    [InlineData(1.8, 2.3, 5, false, 1.8, 2.3, 0.1)]
    // 1..400 steps in 6: raw 66.5 → 100; 0..400.
    [InlineData(1, 400, 6, true, 0.0, 400.0, 100.0)]
    // 1..3 steps in 6: raw 0.33 would give 0.5, but steps are whole: 1.
    [InlineData(1, 3, 6, true, 1.0, 3.0, 1.0)]
    public void Ticks_are_round_steps_that_cover_the_data(double low, double high, int count, bool whole, double min, double max, double step)
    {
        var ticks = AxisTicks.Covering(low, high, count, whole);

        Assert.Equal(step, ticks.Step, 9);
        Assert.Equal(min, ticks.Min, 9);
        Assert.Equal(max, ticks.Max, 9);
        Assert.True(ticks.Values[0] <= low && ticks.Values[^1] >= high);
    }

    [Fact]
    public void Tick_labels_have_the_decimals_the_step_needs()
    {
        var ticks = AxisTicks.Covering(1.8, 2.3);

        Assert.Equal(["1.8", "1.9", "2.0", "2.1", "2.2", "2.3"], ticks.Values.Select(ticks.Label));
    }

    [Fact]
    public void The_loss_chart_draws_train_and_eval_loss_on_labelled_axes()
    {
        // 40 steps falling from 3 to about 1.2; evaluations every 10 steps.
        var train = Enumerable.Range(1, 40).Select(s => 1.2 + 1.8 / s).ToList();
        (int, double)[] evals = [(10, 1.6), (20, 1.45), (30, 1.4), (40, 1.38)];

        string svg = LossChart.Svg(train, evals)!;
        var doc = XDocument.Parse(svg);

        var lines = doc.Descendants(Svg + "polyline").ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(40, lines[0].Attribute("points")!.Value.Split(' ').Length);
        Assert.Equal(4, lines[1].Attribute("points")!.Value.Split(' ').Length);
        var texts = doc.Descendants(Svg + "text").Select(t => t.Value).ToList();
        Assert.Contains("train loss", texts);
        Assert.Contains("eval loss", texts);
        Assert.Contains("optimizer step", texts);
        Assert.Contains("loss (mean token cross-entropy)", texts);
        // x ticks every 10 steps from 0 to 40; y ticks every 0.5 from 1.0 to 3.0 (the data span 1.245..3.0).
        foreach (var label in new[] { "0", "10", "20", "30", "40", "1.0", "1.5", "2.0", "2.5", "3.0" }) Assert.Contains(label, texts);
        // The same run, the same bytes: a rebuilt report does not change.
        Assert.Equal(svg, LossChart.Svg(train, evals));
        // Every coordinate is written with the invariant culture's point, whatever the thread's culture.
        var culture = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de-DE");
            Assert.Equal(svg, LossChart.Svg(train, evals));
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Fact]
    public void A_point_maps_inside_the_plot_at_its_value()
    {
        // Two steps, losses 2 and 1: the first point sits at the top-left of the y ticks' range (2.0), the last at the bottom.
        var doc = XDocument.Parse(LossChart.Svg([2.0, 1.0], [])!);
        var points = doc.Descendants(Svg + "polyline").Single().Attribute("points")!.Value.Split(' ')
            .Select(p => p.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToList();
        var yTick = (string label) => doc.Descendants(Svg + "text").Single(t => t.Value == label).Attribute("y")!.Value;

        Assert.True(points[0][0] < points[1][0]);
        Assert.True(points[0][1] < points[1][1], "a higher loss is drawn higher up");
        Assert.Equal(double.Parse(yTick("2.0"), CultureInfo.InvariantCulture) - 4, points[0][1], 1);
        Assert.Equal(double.Parse(yTick("1.0"), CultureInfo.InvariantCulture) - 4, points[1][1], 1);
        Assert.Null(LossChart.Svg([2.0], []));
    }
}
