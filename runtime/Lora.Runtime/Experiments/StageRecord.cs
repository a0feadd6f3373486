using System.Text.Json;
using Lora.Runtime.IO;

namespace Lora.Runtime.Experiments;

/// <summary>
/// <c>stages.json</c>: the fingerprint each stage (train, merge, export, evaluate) last completed with, so that a
/// build redoes only the stages whose inputs changed or that never finished.
/// </summary>
public static class StageRecord
{
    public const string Train = "train", Merge = "merge", Export = "export", Evaluate = "evaluate";

    static string PathOf(ExperimentPaths paths) => Path.Combine(paths.Root, "stages.json");

    public static bool IsCurrent(ExperimentPaths paths, string stage, string fingerprint) =>
        Read(paths).TryGetValue(stage, out var done) && done == fingerprint;

    public static void Complete(ExperimentPaths paths, string stage, string fingerprint)
    {
        var stages = Read(paths);
        stages[stage] = fingerprint;
        Directory.CreateDirectory(paths.Root);
        AtomicFolder.WriteText(PathOf(paths), JsonSerializer.Serialize(stages, new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <summary>A new fingerprint invalidates every later stage too.</summary>
    public static void Invalidate(ExperimentPaths paths)
    {
        if (File.Exists(PathOf(paths))) File.Delete(PathOf(paths));
    }

    static Dictionary<string, string> Read(ExperimentPaths paths)
    {
        try { return File.Exists(PathOf(paths)) ? JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(PathOf(paths))) ?? new() : new(); }
        catch (JsonException) { return new(); }
    }
}
