using System.Globalization;
using System.Net;
using System.Text;

namespace Lora.Runtime.Reports;

/// <summary>One line of a chart: its name in the legend, its points in data units, and its colour.</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<(double X, double Y)> Points, string Color);

/// <summary>
/// A line chart as a dependency-free SVG that GitHub and VS Code render from a Markdown image link: axes with round tick
/// values and their labels, axis titles, a legend, one polyline per series with a marker on each point of a short one.
/// The same input gives the same bytes (invariant culture, fixed rounding), so a rebuilt report does not change.
/// </summary>
public static class SvgChart
{
    const int Width = 720, Height = 360, Left = 70, Right = 20, Top = 40, Bottom = 50;

    /// <param name="title">Written above the plot.</param>
    /// <param name="xTitle">The x axis's name.</param>
    /// <param name="yTitle">The y axis's name.</param>
    /// <param name="series">The lines; points with a non-finite value are left out.</param>
    /// <param name="xLabels">Labels at given x values instead of numeric ticks (variant names); null for numeric ticks.</param>
    /// <param name="wholeX">Numeric x ticks at whole numbers only (steps, ranks).</param>
    public static string Line(string title, string xTitle, string yTitle, IReadOnlyList<ChartSeries> series,
        IReadOnlyList<(double X, string Label)>? xLabels = null, bool wholeX = false)
    {
        var shown = series.Select(s => s with { Points = s.Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList() })
            .Where(s => s.Points.Count > 0).ToList();
        if (shown.Count == 0) throw new ArgumentException($"the chart '{title}' has no finite point to draw");
        var xs = shown.SelectMany(s => s.Points.Select(p => p.X)).Concat(xLabels?.Select(l => l.X) ?? []).ToList();
        var ys = shown.SelectMany(s => s.Points.Select(p => p.Y)).ToList();
        var xTicks = AxisTicks.Covering(xs.Min(), xs.Max(), 6, wholeX);
        var yTicks = AxisTicks.Covering(ys.Min(), ys.Max(), 5);
        // Categories sit inside the axis, half a slot from either end.
        (double Min, double Max) xRange = xLabels is null ? (xTicks.Min, xTicks.Max) : (xs.Min() - 0.5, xs.Max() + 0.5);
        double X(double x) => Left + (Width - Left - Right) * (x - xRange.Min) / Math.Max(xRange.Max - xRange.Min, 1e-12);
        double Y(double y) => Height - Bottom - (Height - Top - Bottom) * (y - yTicks.Min) / Math.Max(yTicks.Max - yTicks.Min, 1e-12);

        var svg = new StringBuilder();
        void Add(FormattableString line) => svg.Append("  ").AppendLine(line.ToString(CultureInfo.InvariantCulture));
        svg.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"""<svg xmlns="http://www.w3.org/2000/svg" width="{Width}" height="{Height}" viewBox="0 0 {Width} {Height}" font-family="sans-serif" font-size="12">"""));
        Add($"""<rect width="{Width}" height="{Height}" fill="white"/>""");
        Add($"""<text x="{Left}" y="20" font-size="14" font-weight="bold">{Text(title)}</text>""");
        foreach (var y in yTicks.Values)
        {
            Add($"""<line x1="{Left}" y1="{Y(y):0.#}" x2="{Width - Right}" y2="{Y(y):0.#}" stroke="#e5e5e5"/>""");
            Add($"""<text x="{Left - 6}" y="{Y(y) + 4:0.#}" text-anchor="end">{yTicks.Label(y)}</text>""");
        }
        foreach (var (x, label) in xLabels ?? xTicks.Values.Select(v => (v, xTicks.Label(v))).ToList())
        {
            Add($"""<line x1="{X(x):0.#}" y1="{Height - Bottom}" x2="{X(x):0.#}" y2="{Height - Bottom + 5}" stroke="black"/>""");
            Add($"""<text x="{X(x):0.#}" y="{Height - Bottom + 18}" text-anchor="middle">{Text(label)}</text>""");
        }
        Add($"""<line x1="{Left}" y1="{Height - Bottom}" x2="{Width - Right}" y2="{Height - Bottom}" stroke="black"/>""");
        Add($"""<line x1="{Left}" y1="{Top}" x2="{Left}" y2="{Height - Bottom}" stroke="black"/>""");
        Add($"""<text x="{(Left + Width - Right) / 2}" y="{Height - 10}" text-anchor="middle">{Text(xTitle)}</text>""");
        Add($"""<text x="16" y="{(Top + Height - Bottom) / 2}" text-anchor="middle" transform="rotate(-90 16 {(Top + Height - Bottom) / 2})">{Text(yTitle)}</text>""");
        for (int i = 0; i < shown.Count; i++)
        {
            var s = shown[i];
            var points = string.Join(" ", s.Points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.X):0.#},{Y(p.Y):0.#}")));
            if (s.Points.Count > 1) Add($"""<polyline fill="none" stroke="{s.Color}" stroke-width="2" points="{points}"/>""");
            // Markers where points are few enough to tell apart (evaluations, variants); a long training curve stays a line.
            if (s.Points.Count <= 60)
                foreach (var p in s.Points) Add($"""<circle cx="{X(p.X):0.#}" cy="{Y(p.Y):0.#}" r="3" fill="{s.Color}"/>""");
            int legendY = Top + 4 + 16 * i;
            Add($"""<line x1="{Width - Right - 150}" y1="{legendY}" x2="{Width - Right - 130}" y2="{legendY}" stroke="{s.Color}" stroke-width="2"/>""");
            Add($"""<text x="{Width - Right - 124}" y="{legendY + 4}">{Text(s.Name)}</text>""");
        }
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    static string Text(string text) => WebUtility.HtmlEncode(text);
}
