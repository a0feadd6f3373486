using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Lora.Runtime.IO;
using Lora.Runtime.Tensors;

namespace Lora.Runtime.Experiments;

/// <summary>
/// What `dotnet build` runs out of process: finds the experiments of a compiled project through its
/// generated registry, skips those whose fingerprint is unchanged, and runs the stages that are not.
/// Exit codes: 0 done, 1 error, 2 an [Expect] threshold not met, 130 cancelled.
/// </summary>
public sealed class ExperimentHost(RunnerOptions options, BuildProtocol protocol)
{
    public static IReadOnlyList<Lora.ExperimentConfig> Discover(string assemblyPath)
    {
        if (!File.Exists(assemblyPath)) throw new FileNotFoundException($"{assemblyPath}: the compiled experiment assembly was not found.");
        var assembly = Assembly.LoadFrom(assemblyPath);
        var registryAttribute = assembly.GetCustomAttribute<Lora.ExperimentRegistryAttribute>()
            ?? throw new InvalidOperationException($"{assemblyPath}: no [assembly: ExperimentRegistry] — the project declares no [Experiment] record, or the Lora source generator did not run.");
        var registry = (Lora.IExperimentRegistry)Activator.CreateInstance(registryAttribute.RegistryType)!;
        return registry.Experiments.SelectMany(d => d.Variants.Count > 0 ? d.Variants : [d.Config]).ToList();
    }

    public int Run(IReadOnlyList<Lora.ExperimentConfig> experiments, IReadOnlyCollection<string> only, CancellationToken cancellationToken)
    {
        var selected = experiments.Where(e => only.Count == 0 || only.Contains(e.FullName) || only.Contains(e.ExperimentName)).ToList();
        if (only.Count > 0 && selected.Count == 0)
            throw new ArgumentException($"LoraExperiments names {string.Join(", ", only)}, but the project has: {string.Join(", ", experiments.Select(e => e.FullName))}.");
        int exit = 0;
        foreach (var config in selected)
            exit = Math.Max(exit, RunOne(config, cancellationToken));
        return exit;
    }

    int RunOne(Lora.ExperimentConfig config, CancellationToken cancellationToken)
    {
        var paths = ExperimentPaths.For(options.ArtifactsRoot, config);
        using var hold = ExperimentLock.Acquire(paths, TimeSpan.FromMinutes(30), protocol.Info, cancellationToken);
        if (AtomicFolder.RemoveLeftovers(paths.Root) is > 0 and var leftovers)
            protocol.Info($"{config.FullName}: removed {leftovers} leftover(s) of writes an earlier build did not finish");
        // Named, not resolved, where the name says it: an up-to-date experiment loads no libtorch (cuda on a machine without one
        // fails in the stage that computes, with the reason).
        var device = Devices.Named(options.Device) ?? Devices.Resolve(options.Device, out _);
        string fingerprint = ExperimentFingerprint.Compute(config, BaseModelLocator.Resolve(config), ExperimentRunner.ComputeDType(config, device));
        var runner = new ExperimentRunner(options with { Log = protocol.Info });
        // Each stage is current by its own fingerprint: a changed merge or evaluation setting redoes that stage alone, and a
        // changed expectation redoes none (expectations are checked below at every build).
        string mergeFingerprint = ExperimentFingerprint.Stage(fingerprint, StageRecord.Merge, config.Merge);
        // The evaluation writes report.md, which opens with the description: a new description rewrites it, without retraining.
        string evaluateFingerprint = ExperimentFingerprint.Stage(fingerprint, StageRecord.Evaluate, new { config.Evaluation, config.Description });
        // A stage recorded as done counts only while its output reads: a damaged one is redone, saying why.
        bool Done(string stage, string stageFingerprint)
        {
            if (!StageRecord.IsCurrent(paths, stage, stageFingerprint)) return false;
            if (StageArtifacts.Problem(paths, stage) is not { } problem) return true;
            protocol.Info($"{config.FullName}: the {stage} stage's output is damaged ({problem}); doing it again");
            return false;
        }
        bool trained = Done(StageRecord.Train, fingerprint);
        bool merged = config.Merge is null || (trained && Done(StageRecord.Merge, mergeFingerprint));
        bool evaluated = config.Evaluation is null || (trained && Done(StageRecord.Evaluate, evaluateFingerprint));
        if (trained && merged && evaluated)
        {
            protocol.Skipped(config.FullName, $"up to date (fingerprint {fingerprint[..12]})"
                + (config.Expectations.Count > 0 ? "; expectations checked against its last evaluation" : ""));
            return CheckExpectations(config, ReadEvaluation(paths));
        }

        // The stages below compute: one build at a time on this device unless the project shares it.
        using var turn = options.ShareDevice ? null : ExperimentLock.AcquireDevice(device, config.FullName, protocol.Info, cancellationToken);
        var clock = Stopwatch.StartNew();
        Lora.TrainResult training;
        if (trained)
        {
            training = new Lora.TrainResult(config, paths.Adapter, 0, double.NaN, null, TimeSpan.Zero);
            protocol.Info($"{config.FullName}: adapter up to date (fingerprint {fingerprint[..12]}), not retrained");
        }
        else
        {
            StageRecord.Invalidate(paths);
            protocol.Info($"{config.FullName}: training (fingerprint {fingerprint[..12]})");
            var progress = new ThroughputProgress(config.FullName, protocol);
            try
            {
                training = runner.Train(config, progress, cancellationToken, fingerprint);
            }
            finally
            {
                progress.Flush();
            }
            StageRecord.Complete(paths, StageRecord.Train, fingerprint);
        }
        if (!merged)
        {
            // Between stages and inside them: a cancelled build stops here, its finished stages recorded, the rest redone next time.
            cancellationToken.ThrowIfCancellationRequested();
            protocol.Info($"{config.FullName}: merging into {paths.Merged}");
            runner.Merge(config, training, cancellationToken);
            StageRecord.Complete(paths, StageRecord.Merge, mergeFingerprint);
        }
        Lora.EvaluationResult? evaluation = null;
        if (!evaluated)
        {
            cancellationToken.ThrowIfCancellationRequested();
            protocol.Info($"{config.FullName}: evaluating base and tuned models");
            evaluation = ExperimentEvaluator.Evaluate(config, training, paths, cancellationToken, options.Device);
            StageRecord.Complete(paths, StageRecord.Evaluate, evaluateFingerprint);
        }
        protocol.Done(config.FullName, $"artifacts in {paths.Root} ({clock.Elapsed.TotalSeconds:0.0} s)");
        return CheckExpectations(config, evaluation ?? ReadEvaluation(paths));
    }

    int CheckExpectations(Lora.ExperimentConfig config, Lora.EvaluationResult? evaluation)
    {
        var outcomes = Lora.ExperimentPipeline.CheckExpectations(config, evaluation);
        foreach (var outcome in outcomes) protocol.Expectation(config.FullName, outcome);
        return outcomes.All(o => o.Passed) ? 0 : 2;
    }

    static Lora.EvaluationResult? ReadEvaluation(ExperimentPaths paths)
    {
        if (!File.Exists(paths.Eval)) return null;
        var json = JsonNode.Parse(File.ReadAllText(paths.Eval))!;
        var metrics = new Dictionary<Lora.Metric, double>();
        foreach (var (key, value) in json["tuned"]!.AsObject())
            if (Enum.TryParse<Lora.Metric>(key, out var metric) && value is not null) metrics[metric] = value.GetValue<double>();
        return new Lora.EvaluationResult(metrics, json["rows"]!.GetValue<int>());
    }

    /// <summary>
    /// Turns step reports into protocol lines with tokens/s and ETA measured over this run's steps, at most
    /// <see cref="LinesPerSecond"/> a second: the build's logging must not set the pace of a fast model's training
    /// (a line per step at 200 steps/s backs the runner's output pipe up into the training loop). The first report
    /// and the last one (by <see cref="Flush"/>) always go out.
    /// </summary>
    sealed class ThroughputProgress(string experiment, BuildProtocol protocol) : IProgress<Lora.TrainingProgress>
    {
        const int LinesPerSecond = 4;
        readonly Stopwatch _clock = Stopwatch.StartNew();
        int? _firstStep;
        double _lastWritten = double.NegativeInfinity;
        (Lora.TrainingProgress Report, double Seconds)? _held;

        public void Report(Lora.TrainingProgress p)
        {
            _firstStep ??= p.Step - 1;
            double seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-9);
            _held = (p, seconds);
            if (seconds - _lastWritten >= 1.0 / LinesPerSecond || p.Step == p.TotalSteps) Flush();
        }

        /// <summary>Writes the report held back by the rate limit, if any.</summary>
        public void Flush()
        {
            if (_held is not { } held) return;
            var (p, seconds) = held;
            double perStep = seconds / Math.Max(1, p.Step - _firstStep!.Value);
            protocol.Progress(experiment, p, p.Tokens / seconds, perStep * (p.TotalSteps - p.Step));
            _lastWritten = seconds;
            _held = null;
        }
    }
}
