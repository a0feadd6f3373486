using System.Globalization;
using System.Text;
using Lora.Runtime.IO;

namespace Lora.Runtime.Experiments;

/// <summary><c>report.md</c>: base and tuned metrics side by side, the resolved configuration, lineage and a loss curve.</summary>
public static class ExperimentReport
{
    public static void Write(ExperimentPaths paths, Lora.ExperimentConfig config, IReadOnlyDictionary<string, double> baseScores, IReadOnlyDictionary<string, double> tunedScores, int rows)
    {
        var losses = File.Exists(paths.Run) ? RunRecord.Losses(paths) : [];
        if (losses.Count > 1) AtomicFolder.WriteText(paths.LossCurve, LossCurveSvg(losses));
        var md = new StringBuilder();
        md.AppendLine($"# {config.FullName}").AppendLine();
        if (!string.IsNullOrWhiteSpace(config.Description)) md.AppendLine(config.Description).AppendLine();
        md.AppendLine($"Evaluated on {rows} rows.").AppendLine();
        md.AppendLine("| metric | base | tuned |").AppendLine("| --- | --- | --- |");
        foreach (var key in tunedScores.Keys.Order())
            md.AppendLine($"| {key} | {Format(baseScores.GetValueOrDefault(key, double.NaN))} | {Format(tunedScores[key])} |");
        md.AppendLine();
        if (losses.Count > 1) md.AppendLine("![training loss](loss.svg)").AppendLine();
        if (File.Exists(paths.Run) && RunRecord.Memory(paths) is { } memory)
        {
            md.AppendLine("## Memory").AppendLine();
            md.AppendLine($"Predicted peak: {memory.EstimateMiB:0} MiB — {memory.EstimateBreakdown}.");
            md.AppendLine(memory.PeakMiB is { } peak
                ? $"Measured peak resident memory of the training process: {peak:0} MiB ({(peak - memory.EstimateMiB) / memory.EstimateMiB:+0%;-0%} against the prediction; {memory.BaselineMiB:0} MiB before the model was loaded)."
                : memory.DeviceReservedMiB is { } reserved
                    ? $"Measured on {memory.Device}: {reserved:0} MiB of GPU memory reserved by libtorch at the end of training, above the CUDA context ({(reserved - memory.EstimateMiB) / memory.EstimateMiB:+0%;-0%} against the prediction)."
                    : $"Measured peak: not recorded on {memory.Device}.").AppendLine();
        }
        md.AppendLine("## Configuration").AppendLine().AppendLine("```json").AppendLine(ExperimentFingerprint.ConfigJson(config)).AppendLine("```").AppendLine();
        md.AppendLine("## Lineage").AppendLine().AppendLine("See `run.json` (fingerprint, SDK version, seed, timings).");
        AtomicFolder.WriteText(paths.Report, md.ToString());
    }

    static string Format(double v) => double.IsFinite(v) ? v.ToString("0.####", CultureInfo.InvariantCulture) : "–";

    /// <summary>A dependency-free SVG polyline of the step losses.</summary>
    public static string LossCurveSvg(IReadOnlyList<double> losses)
    {
        const int w = 640, h = 320, pad = 40;
        double min = losses.Min(), max = losses.Max(), span = Math.Max(max - min, 1e-9);
        var points = losses.Select((l, i) => string.Create(CultureInfo.InvariantCulture,
            $"{pad + (w - 2 * pad) * i / (double)Math.Max(1, losses.Count - 1):0.#},{h - pad - (h - 2 * pad) * (l - min) / span:0.#}"));
        return string.Create(CultureInfo.InvariantCulture, $"""
            <svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" font-family="sans-serif" font-size="12">
              <rect width="{w}" height="{h}" fill="white"/>
              <line x1="{pad}" y1="{h - pad}" x2="{w - pad}" y2="{h - pad}" stroke="black"/>
              <line x1="{pad}" y1="{pad}" x2="{pad}" y2="{h - pad}" stroke="black"/>
              <text x="{pad}" y="{pad - 8}">loss {max:0.###}</text>
              <text x="{pad}" y="{h - 8}">loss {min:0.###} · {losses.Count} steps</text>
              <polyline fill="none" stroke="steelblue" stroke-width="2" points="{string.Join(" ", points)}"/>
            </svg>
            """);
    }
}
