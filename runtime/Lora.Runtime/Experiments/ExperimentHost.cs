using System.Diagnostics;
using System.Reflection;
using Lora.Runtime.Reports;

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
        var selected = Select(experiments, only);
        int exit = 0;
        foreach (var config in selected)
            exit = Math.Max(exit, RunOne(config, cancellationToken));
        // Each sweep this build ran is compared once its variants are done: all its variants, from their files, so the ones
        // skipped as up to date (or not selected) are in it with their last results.
        foreach (var name in selected.Where(c => c.VariantName is not null).Select(c => c.ExperimentName).Distinct())
        {
            var variants = experiments.Where(e => e.ExperimentName == name && e.VariantName is not null).ToList();
            string readme = SweepComparison.Write(options.ArtifactsRoot, variants);
            protocol.Info($"{name}: {SweepComparison.Summary(SweepComparison.Compare(options.ArtifactsRoot, variants))} in {readme}");
        }
        return exit;
    }

    /// <summary>
    /// What a scheduler must run (<c>lora experiment plan</c>): a <c>plan</c> line with the memory estimate for each selected
    /// experiment that needs computing; those up to date are reported as a build reports them (skipped, their expectations
    /// checked). Computes nothing. Exit code 2 when an up-to-date experiment misses an expectation.
    /// </summary>
    public int Plan(IReadOnlyList<Lora.ExperimentConfig> experiments, IReadOnlyCollection<string> only)
    {
        var stages = new ExperimentStages(options with { Log = protocol.Info });
        var device = Tensors.Devices.NamedOrResolved(options.Device);
        int exit = 0;
        foreach (var config in Select(experiments, only))
        {
            if (stages.Current(config) is { } outcome) exit = Math.Max(exit, Report(config, outcome));
            else protocol.Plan(config.FullName, ExperimentMemory.EstimateMiB(config, device));
        }
        return exit;
    }

    static List<Lora.ExperimentConfig> Select(IReadOnlyList<Lora.ExperimentConfig> experiments, IReadOnlyCollection<string> only)
    {
        var selected = experiments.Where(e => only.Count == 0 || only.Contains(e.FullName) || only.Contains(e.ExperimentName)).ToList();
        if (only.Count > 0 && selected.Count == 0)
            throw new ArgumentException($"LoraExperiments names {string.Join(", ", only)}, but the project has: {string.Join(", ", experiments.Select(e => e.FullName))}.");
        return selected;
    }

    /// <summary>
    /// What the build's line about a finished experiment says first: its headline metric against the base model (the first
    /// evaluation metric, e.g. "Accuracy 0.9539 (base 0.5101, +0.4438)"), or the training's eval loss without an evaluation.
    /// </summary>
    static string? Headline(Lora.ExperimentConfig config, ExperimentPaths paths)
    {
        if (config.Evaluation is { } evaluation && ExperimentEvaluator.RecordedScores(paths) is { } scores)
            return MetricText.Headline(evaluation.Metrics, scores.Base, scores.Tuned);
        return null;
    }

    int RunOne(Lora.ExperimentConfig config, CancellationToken cancellationToken)
    {
        var progress = new ThroughputProgress(config.FullName, protocol);
        ExperimentStages.Outcome outcome;
        try
        {
            outcome = new ExperimentStages(options with { Log = protocol.Info }).Run(config, progress, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Which experiment failed, and where: its dataset line or its attribute (ErrorLocation), for the build's error list.
            ErrorLocation.Attach(e, config);
            throw;
        }
        finally
        {
            progress.Flush();
        }
        return Report(config, outcome);
    }

    int Report(Lora.ExperimentConfig config, ExperimentStages.Outcome outcome)
    {
        string headline = Headline(config, outcome.Paths) is { } h ? h + "; " : "";
        if (outcome.UpToDate)
            protocol.Skipped(config.FullName, $"up to date (fingerprint {outcome.Fingerprint[..12]}); {headline}"
                + (config.Expectations.Count > 0 ? "expectations checked against its last evaluation; " : "") + $"artifacts in {outcome.Paths.Root}");
        else
            protocol.Done(config.FullName, $"{headline}artifacts in {outcome.Paths.Root} ({outcome.Elapsed.TotalSeconds:0.0} s)");
        // The n-th expectation is the n-th [Expect] (the generator writes them in source order).
        foreach (var (expectation, index) in outcome.Result.Expectations.Select((e, i) => (e, i)))
            protocol.Expectation(config.FullName, expectation, config.SourcePath, config.Locate("Expect", index));
        return outcome.Result.Passed ? RunnerProtocol.ExitCode.Success : RunnerProtocol.ExitCode.ExpectationFailed;
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
