using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.IO;

namespace Lora.Runtime.Experiments;

/// <summary><c>run.json</c>: the lineage of a trained adapter (fingerprint, versions, seed, timings, loss history).</summary>
public static class RunRecord
{
    public static void Write(ExperimentPaths paths, Lora.ExperimentConfig config, string fingerprint, IReadOnlyList<double> losses, double? evalLoss, TimeSpan duration)
    {
        var json = new JsonObject
        {
            ["experiment"] = config.FullName,
            ["fingerprint"] = fingerprint,
            ["sdk_version"] = ExperimentFingerprint.SdkVersion,
            ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
            ["seed"] = config.Training.Seed,
            ["steps"] = losses.Count,
            ["train_seconds"] = Math.Round(duration.TotalSeconds, 3),
            ["final_loss"] = losses.Count > 0 ? losses[^1] : null,
            ["eval_loss"] = evalLoss,
            ["losses"] = new JsonArray(losses.Select(l => (JsonNode?)l).ToArray()),
            ["config"] = JsonNode.Parse(ExperimentFingerprint.ConfigJson(config)),
            ["finished_utc"] = DateTime.UtcNow.ToString("O"),
        };
        Directory.CreateDirectory(paths.Root);
        AtomicFolder.WriteText(paths.Run, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>The fingerprint of the last completed run, or null when there is none (or run.json is damaged).</summary>
    public static string? Fingerprint(ExperimentPaths paths)
    {
        if (!File.Exists(paths.Run) || !Directory.Exists(paths.Adapter)) return null;
        try { return JsonNode.Parse(File.ReadAllText(paths.Run))?["fingerprint"]?.GetValue<string>(); }
        catch (JsonException) { return null; }
    }

    public static IReadOnlyList<double> Losses(ExperimentPaths paths) =>
        JsonNode.Parse(File.ReadAllText(paths.Run))?["losses"]?.AsArray().Select(n => n!.GetValue<double>()).ToList() ?? [];
}
