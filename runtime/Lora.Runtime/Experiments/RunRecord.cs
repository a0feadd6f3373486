using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.IO;

namespace Lora.Runtime.Experiments;

/// <summary><c>run.json</c>: the lineage of a trained adapter (fingerprint, versions, seed, timings, loss history).</summary>
public static class RunRecord
{
    public static void Write(ExperimentPaths paths, Lora.ExperimentConfig config, string fingerprint, IReadOnlyList<double> losses, double? evalLoss, TimeSpan duration, RunMemory? memory = null,
        IReadOnlyList<EvalPoint>? evals = null, TorchSharp.torch.ScalarType? computeType = null, JsonObject? plan = null, BaseModelLocation? baseModel = null,
        double? lastStepEvalLoss = null, RunThroughput? throughput = null)
    {
        var json = new JsonObject
        {
            ["experiment"] = config.FullName,
            ["fingerprint"] = fingerprint,
            ["sdk_version"] = ExperimentFingerprint.SdkVersion,
            ["torchsharp"] = typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(),
            ["seed"] = config.Training.Seed,
            // Which base model it was: the source as written, the folder read, and for a model id the revision and the commit it resolved to.
            ["base_model"] = baseModel is null ? null : new JsonObject
            {
                ["source"] = config.Model.Source,
                ["folder"] = baseModel.Folder,
                ["revision"] = baseModel.Snapshot?.Revision,
                ["commit"] = baseModel.Snapshot?.Commit,
            },
            // What the run computed in, Auto resolved for its device (float32, bfloat16, float16).
            ["compute_type"] = computeType?.ToString(),
            ["steps"] = losses.Count,
            // What the run did (steps, batches, schedule, optimizer, when it logged, evaluated and checkpointed), from the objects it ran with.
            ["plan"] = plan,
            ["train_seconds"] = Math.Round(duration.TotalSeconds, 3),
            // Tokens this process trained on (padding excluded) and its CPU time over the same span as train_seconds.
            ["train_tokens"] = throughput?.Tokens,
            ["train_cpu_seconds"] = throughput is null ? null : new JsonObject
            {
                ["user"] = Math.Round(throughput.Cpu.User.TotalSeconds, 3), ["system"] = Math.Round(throughput.Cpu.System.TotalSeconds, 3),
            },
            ["final_loss"] = losses.Count > 0 ? losses[^1] : null,
            ["eval_loss"] = evalLoss,
            // The eval loss after the last step, which eval_loss is unless LoadBestModelAtEnd kept an earlier adapter.
            ["last_step_eval_loss"] = lastStepEvalLoss,
            // Evaluations during training (every EvalSteps, or at each epoch's end): step and mean eval loss.
            ["evals"] = new JsonArray((evals ?? []).Select(e => (JsonNode?)new JsonObject { ["step"] = e.Step, ["eval_loss"] = e.Loss }).ToArray()),
            ["memory"] = memory is null ? null : new JsonObject
            {
                ["estimate_mib"] = Math.Round(memory.EstimateMiB, 1), ["estimate"] = memory.EstimateBreakdown,
                ["baseline_rss_mib"] = memory.BaselineMiB is { } b ? Math.Round(b, 1) : null,
                ["peak_rss_mib"] = memory.PeakMiB is { } p ? Math.Round(p, 1) : null,
                ["device"] = memory.Device,
                ["device_reserved_mib"] = memory.DeviceReservedMiB is { } g ? Math.Round(g, 1) : null,
            },
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

    /// <summary>The memory record of the last run, or null (older run.json, or none).</summary>
    public static RunMemory? Memory(ExperimentPaths paths)
    {
        if (!File.Exists(paths.Run) || JsonNode.Parse(File.ReadAllText(paths.Run))?["memory"] is not JsonObject m) return null;
        return new RunMemory(m["estimate_mib"]!.GetValue<double>(), m["estimate"]!.GetValue<string>(),
            m["baseline_rss_mib"]?.GetValue<double>(), m["peak_rss_mib"]?.GetValue<double>(),
            m["device"]?.GetValue<string>() ?? "cpu", m["device_reserved_mib"]?.GetValue<double>());
    }

    /// <summary>The training result of the last completed run, from its run.json: steps, last loss, eval loss.</summary>
    public static Lora.TrainResult Result(ExperimentPaths paths, Lora.ExperimentConfig config)
    {
        var run = File.Exists(paths.Run) ? JsonNode.Parse(File.ReadAllText(paths.Run)) : null;
        return new Lora.TrainResult(config, paths.Adapter, run?["steps"]?.GetValue<int>() ?? 0, run?["final_loss"]?.GetValue<double>() ?? double.NaN,
            run?["eval_loss"]?.GetValue<double>(), TimeSpan.Zero);
    }

    /// <summary>The evaluations of the last run, with the one after its last step: the eval-loss curve.</summary>
    public static IReadOnlyList<(int Step, double Loss)> EvalCurve(ExperimentPaths paths)
    {
        var run = JsonNode.Parse(File.ReadAllText(paths.Run));
        var evals = (run?["evals"]?.AsArray() ?? []).Select(e => (Step: e!["step"]!.GetValue<int>(), Loss: e["eval_loss"]!.GetValue<double>())).ToList();
        if (run?["last_step_eval_loss"]?.GetValue<double>() is { } last && run["steps"]?.GetValue<int>() is { } steps && evals.All(e => e.Step != steps))
            evals.Add((steps, last));
        return evals;
    }

    /// <summary>How long, how many tokens and how much CPU time the last run's training took, or null (none, or an older run.json).</summary>
    public static RunTiming? Timing(ExperimentPaths paths)
    {
        if (!File.Exists(paths.Run) || JsonNode.Parse(File.ReadAllText(paths.Run)) is not JsonObject run || run["train_seconds"] is null) return null;
        var cpu = run["train_cpu_seconds"] as JsonObject;
        return new RunTiming(run["steps"]?.GetValue<int>() ?? 0, run["train_seconds"]!.GetValue<double>(), run["train_tokens"]?.GetValue<long>(),
            cpu?["user"]?.GetValue<double>(), cpu?["system"]?.GetValue<double>());
    }

    public static IReadOnlyList<double> Losses(ExperimentPaths paths) =>
        JsonNode.Parse(File.ReadAllText(paths.Run))?["losses"]?.AsArray().Select(n => n!.GetValue<double>()).ToList() ?? [];
}

/// <summary>What a run trained on and the CPU time it took (user, system), measured by the training process.</summary>
public sealed record RunThroughput(long Tokens, CpuTime Cpu);

/// <summary>A run's training as run.json records it: steps, wall seconds, tokens and CPU seconds (null in older records).</summary>
public sealed record RunTiming(int Steps, double Seconds, long? Tokens, double? UserSeconds, double? SystemSeconds);

/// <summary>The memory estimator's prediction for a run beside what was measured.</summary>
/// <param name="EstimateMiB">Predicted peak: tensors, plus (CPU) the process baseline and the first step's overhead.</param>
/// <param name="EstimateBreakdown">The prediction by component, in words.</param>
/// <param name="BaselineMiB">Resident memory before the model was loaded (CPU runs).</param>
/// <param name="PeakMiB">The process's resident high-water mark at the end of training (CPU runs).</param>
/// <param name="Device">Where the run computed: cpu, cuda:N.</param>
/// <param name="DeviceReservedMiB">GPU runs: GPU memory in use at the end of training above the CUDA context, as the driver
/// reports it (NVML): what libtorch's caching allocator reserved, so at least the peak of allocated tensors. TorchSharp
/// exposes none of the allocator's own statistics. Null on the CPU or without an NVIDIA driver to ask.</param>
public sealed record RunMemory(double EstimateMiB, string EstimateBreakdown, double? BaselineMiB, double? PeakMiB, string Device = "cpu", double? DeviceReservedMiB = null);
