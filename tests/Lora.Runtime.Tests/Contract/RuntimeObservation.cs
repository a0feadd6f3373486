using System.Security.Cryptography;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Lora.Runtime.Experiments;

namespace Lora.Runtime.Tests.Contract;

/// <summary>
/// What the runtime did with one configuration, as the build runs it (<see cref="ExperimentHost"/>: train, merge, evaluate,
/// check expectations): its build-log lines, the files it wrote and how the run ended. Only behaviour counts: run.json's
/// copy of the configuration and the fingerprints (which echo the settings), timings, speeds and memory readings are
/// left out, so two runs of one configuration observe the same and a setting is seen only through what it changed.
/// </summary>
internal sealed record RuntimeObservation(int Exit, string? Error, IReadOnlyList<string> Facts)
{
    /// <summary>run.json's fields that record what the run did.</summary>
    static readonly string[] RunFields = ["plan", "compute_type", "steps", "losses", "final_loss", "eval_loss", "evals"];
    /// <summary>Files that hold only lineage (fingerprints per stage) or the artifacts lock.</summary>
    // The model cards (adapter/ and merged/README.md) restate the configuration, eval.json and run.json: a setting the
    // runtime ignored would still change them, so they are no evidence of an effect.
    static readonly string[] Skipped = ["stages.json", ".lock", Lora.Runtime.Experiments.ModelCard.FileName];

    public static RuntimeObservation Of(Lora.ExperimentConfig config, string artifactsRoot)
    {
        var log = new StringWriter();
        var host = new ExperimentHost(new RunnerOptions { ArtifactsRoot = artifactsRoot, Device = "cpu", ShareDevice = true }, new BuildProtocol(log));
        int exit;
        string? error = null;
        try { exit = host.Run([config], [], CancellationToken.None); }
        catch (Exception e)
        {
            exit = 1;
            error = $"{e.GetType().Name}: {e.Message}";
        }
        var facts = new List<string>();
        string Clean(string text) => Normalize(text, artifactsRoot, config.ProjectDirectory);
        // Progress lines are not facts: the host writes at most a few a second, so which steps show depends on the clock
        // (run.json keeps every step's loss and the plan its logging steps).
        foreach (var line in log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith(BuildProtocol.Prefix + RunnerProtocol.Kind.Progress, StringComparison.Ordinal)))
            facts.Add("log " + Clean(LogLine(line)));
        foreach (var file in Directory.EnumerateFiles(artifactsRoot, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string name = Path.GetRelativePath(artifactsRoot, file);
            if (Skipped.Contains(Path.GetFileName(file))) continue;
            facts.Add($"file {name}: {Clean(Content(file))}");
        }
        return new RuntimeObservation(exit, error, facts);
    }

    /// <summary>Expectation lines without the thresholds they echo; other lines whole.</summary>
    static string LogLine(string line)
    {
        int brace = line.IndexOf('{');
        if (brace < 0) return line;
        var json = JsonNode.Parse(line[brace..])!.AsObject();
        foreach (var field in new[] { RunnerProtocol.Field.AtLeast, RunnerProtocol.Field.AtMost })
            json.Remove(field);
        return line[..brace] + json.ToJsonString();
    }

    static string Content(string file)
    {
        switch (Path.GetFileName(file))
        {
            case "run.json":
                var run = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
                return new JsonObject(RunFields.Select(f => KeyValuePair.Create(f, run[f]?.DeepClone()))).ToJsonString();
            case "eval.json":
                var eval = JsonNode.Parse(File.ReadAllText(file))!.AsObject();
                foreach (var side in new[] { "base", "tuned" }) eval[side]!.AsObject().Remove("MsPerGeneratedToken");
                return eval.ToJsonString();
            case "progress.jsonl":
                // Every step and evaluation, without the seconds they took.
                return string.Join("\n", File.ReadLines(file).Select(l =>
                {
                    var record = JsonNode.Parse(l)!.AsObject();
                    record.Remove(RunnerProtocol.Field.ElapsedSeconds);
                    return record.ToJsonString();
                }));
            case "report.md":
                // Up to the measured training time and memory, without the generation speed: title, description, metrics.
                return string.Join("\n", File.ReadLines(file).TakeWhile(l => l is not ("## Training" or "## Memory")).Where(l => !l.Contains("MsPerGeneratedToken")));
        }
        return file.EndsWith(".json", StringComparison.Ordinal) || file.EndsWith(".jsonl", StringComparison.Ordinal) || file.EndsWith(".md", StringComparison.Ordinal)
            ? File.ReadAllText(file)
            : Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
    }

    /// <summary>Paths as placeholders, fingerprints and durations out: what differs between two runs of one configuration.</summary>
    static string Normalize(string text, string artifactsRoot, string projectDirectory) =>
        Regex.Replace(Regex.Replace(text.Replace(artifactsRoot, "<artifacts>").Replace(projectDirectory, "<project>"),
            "[0-9a-f]{12,64}", "<hash>"), @"\(\d+(\.\d+)? s\)", "(<seconds>)");

    /// <summary>The facts in this observation that the other lacks, for a failure message.</summary>
    public string Difference(RuntimeObservation other) =>
        string.Join(" | ", Facts.Except(other.Facts).Take(3).Select(f => f.Length > 200 ? f[..200] + "…" : f));
}
