using System.Text;
using Lora.Runtime.Evaluation;
using Lora.Runtime.IO;
using Lora.Runtime.Reports;

namespace Lora.Runtime.Experiments;

/// <summary>
/// <c>report.md</c>: base and tuned metrics side by side, example rows (input, expected, base and tuned output), the
/// training and eval loss on one chart (loss.svg beside it), memory, the resolved configuration and lineage.
/// </summary>
public static class ExperimentReport
{
    /// <param name="paths">The experiment's artifacts.</param>
    /// <param name="config">The experiment.</param>
    /// <param name="baseScores">The base model's scores by metric name.</param>
    /// <param name="tunedScores">The tuned model's scores by metric name.</param>
    /// <param name="rows">How many rows were evaluated.</param>
    /// <param name="predictions">The generations the evaluation made (predictions.jsonl); empty without a generative metric.</param>
    public static void Write(ExperimentPaths paths, Lora.ExperimentConfig config, IReadOnlyDictionary<string, double> baseScores,
        IReadOnlyDictionary<string, double> tunedScores, int rows, IReadOnlyList<PredictedRow> predictions)
    {
        var chart = File.Exists(paths.Run) ? LossChart.Svg(RunRecord.Losses(paths), RunRecord.EvalCurve(paths)) : null;
        if (chart is not null) AtomicFolder.WriteText(paths.LossCurve, chart);
        var metrics = config.Evaluation?.Metrics ?? [];
        var md = new StringBuilder();
        md.AppendLine($"# {config.FullName}").AppendLine();
        if (!string.IsNullOrWhiteSpace(config.Description)) md.AppendLine(config.Description).AppendLine();
        if (MetricText.Headline(metrics, baseScores, tunedScores) is { } headline) md.AppendLine($"**{headline}**").AppendLine();
        md.AppendLine($"Evaluated on {rows} rows.").AppendLine();
        md.AppendLine("| metric | base | tuned |").AppendLine("| --- | --- | --- |");
        foreach (var key in tunedScores.Keys.Order())
            md.AppendLine($"| {key} | {MetricText.Value(baseScores.GetValueOrDefault(key, double.NaN))} | {MetricText.Value(tunedScores[key])} |");
        md.AppendLine();
        if (predictions.Count > 0)
        {
            // A row counts as right by the rule of the first metric that has one: Accuracy and MacroF1 compare labels.
            Func<string, string, bool> isRight = metrics.FirstOrDefault(m => m is Lora.Metric.Accuracy or Lora.Metric.MacroF1 or Lora.Metric.ExactMatch or Lora.Metric.RougeL)
                is Lora.Metric.Accuracy or Lora.Metric.MacroF1 ? TextMetrics.SameLabel : TextMetrics.SameText;
            var examples = ExampleRows.Choose(predictions, config.Training.Seed, isRight);
            int wrong = predictions.Count(p => !isRight(p.Tuned, p.Reference));
            md.AppendLine("## Examples").AppendLine();
            md.AppendLine($"{examples.Count} of the {predictions.Count} evaluated rows, chosen by the seed ({config.Training.Seed}); the tuned model got " +
                $"{wrong} of {predictions.Count} wrong{(wrong > 0 ? ", and some of those are among them" : "")}. All rows: `predictions.jsonl`.").AppendLine();
            md.Append(ExampleRows.Table(examples, isRight)).AppendLine();
        }
        if (chart is not null) md.AppendLine("## Loss").AppendLine().AppendLine("![training and eval loss](loss.svg)").AppendLine();
        if (RunRecord.Timing(paths) is { } timing)
        {
            md.AppendLine("## Training").AppendLine();
            var line = new StringBuilder(FormattableString.Invariant($"{timing.Steps:N0} steps in {timing.Seconds:0.#} s"));
            if (timing.Tokens is { } tokens && timing.Seconds > 0)
                line.Append(FormattableString.Invariant($", {tokens:N0} tokens ({tokens / timing.Seconds:N0} tokens/s)"));
            if (timing is { UserSeconds: { } user, SystemSeconds: { } system })
                line.Append(FormattableString.Invariant($"; CPU time of the training process: user {user:0.#} s, system {system:0.#} s"));
            md.AppendLine(line.Append('.').ToString()).AppendLine();
        }
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
        md.AppendLine("## Lineage").AppendLine().AppendLine("See `run.json` (fingerprint, SDK version, seed, timings) and `progress.jsonl` (every step and evaluation).");
        AtomicFolder.WriteText(paths.Report, md.ToString());
    }
}
