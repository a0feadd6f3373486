using System.Diagnostics;
using System.Text.Json.Nodes;
using Lora.Runtime.IO;
using Lora.Runtime.Tensors;

namespace Lora.Runtime.Experiments;

/// <summary>
/// The one orchestration of an experiment, for the build (<see cref="ExperimentHost"/>) and for code that calls a generated
/// pipeline's Run (<see cref="ExperimentRunner.RunAsync"/>): train, merge, evaluate and check expectations, each stage
/// current by its own fingerprint (a changed merge or evaluation setting redoes that stage alone, a changed expectation
/// none), a damaged output redone, one computing build per device at a time.
/// </summary>
public sealed class ExperimentStages(RunnerOptions options)
{
    /// <summary>What a run of the stages did: its result, whether every stage was current already, and how long it took.</summary>
    public sealed record Outcome(Lora.ExperimentRunResult Result, bool UpToDate, string Fingerprint, ExperimentPaths Paths, TimeSpan Elapsed);

    public Outcome Run(Lora.ExperimentConfig config, IProgress<Lora.TrainingProgress>? progress, CancellationToken cancellationToken)
    {
        void Log(string message) => options.Log($"{config.FullName}: {message}");
        var paths = ExperimentPaths.For(options.ArtifactsRoot, config);
        using var hold = ExperimentLock.Acquire(paths, TimeSpan.FromMinutes(30), options.Log, cancellationToken);
        if (AtomicFolder.RemoveLeftovers(paths.Root) is > 0 and var leftovers)
            Log($"removed {leftovers} leftover(s) of writes an earlier build did not finish");
        // Named, not resolved, where the name says it: an up-to-date experiment loads no libtorch (cuda on a machine without one
        // fails in the stage that computes, with the reason).
        var device = Devices.Named(options.Device) ?? Devices.Resolve(options.Device, out _);
        string fingerprint = ExperimentFingerprint.Compute(config, BaseModelLocator.Locate(config), ExperimentRunner.ComputeDType(config, device));
        string mergeFingerprint = ExperimentFingerprint.Stage(fingerprint, StageRecord.Merge, config.Merge);
        // The evaluation writes report.md, which opens with the description: a new description rewrites it, without retraining.
        string evaluateFingerprint = ExperimentFingerprint.Stage(fingerprint, StageRecord.Evaluate, new { config.Evaluation, config.Description });
        // A stage recorded as done counts only while its output reads: a damaged one is redone, saying why.
        bool Done(string stage, string stageFingerprint)
        {
            if (!StageRecord.IsCurrent(paths, stage, stageFingerprint)) return false;
            if (StageArtifacts.Problem(paths, stage) is not { } problem) return true;
            Log($"the {stage} stage's output is damaged ({problem}); doing it again");
            return false;
        }
        bool trained = Done(StageRecord.Train, fingerprint);
        bool merged = config.Merge is null || (trained && Done(StageRecord.Merge, mergeFingerprint));
        bool evaluated = config.Evaluation is null || (trained && Done(StageRecord.Evaluate, evaluateFingerprint));
        var clock = Stopwatch.StartNew();
        if (trained && merged && evaluated)
            return Finish(config, RunRecord.Result(paths, config), RecordedMerge(config, paths), ExperimentEvaluator.Recorded(paths), upToDate: true);

        // The stages below compute: one build at a time on this device unless the project shares it.
        using var turn = options.ShareDevice ? null : ExperimentLock.AcquireDevice(device, config.FullName, options.Log, cancellationToken);
        var runner = new ExperimentRunner(options);
        Lora.TrainResult training;
        if (trained)
        {
            training = RunRecord.Result(paths, config);
            Log($"adapter up to date (fingerprint {fingerprint[..12]}), not retrained");
        }
        else
        {
            StageRecord.Invalidate(paths);
            Log($"training (fingerprint {fingerprint[..12]})");
            training = runner.Train(config, progress, cancellationToken, fingerprint);
            StageRecord.Complete(paths, StageRecord.Train, fingerprint);
        }
        var merge = RecordedMerge(config, paths);
        if (!merged)
        {
            // Between stages and inside them: a cancelled build stops here, its finished stages recorded, the rest redone next time.
            cancellationToken.ThrowIfCancellationRequested();
            Log($"merging into {paths.Merged}");
            merge = runner.Merge(config, training, cancellationToken);
            StageRecord.Complete(paths, StageRecord.Merge, mergeFingerprint);
        }
        Lora.EvaluationResult? evaluation;
        if (!evaluated)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Log("evaluating base and tuned models");
            evaluation = ExperimentEvaluator.Evaluate(config, training, paths, cancellationToken, options.Device);
            StageRecord.Complete(paths, StageRecord.Evaluate, evaluateFingerprint);
        }
        else evaluation = ExperimentEvaluator.Recorded(paths);
        return Finish(config, training, merge, evaluation, upToDate: false);

        Outcome Finish(Lora.ExperimentConfig c, Lora.TrainResult t, Lora.MergeResult? m, Lora.EvaluationResult? e, bool upToDate)
        {
            // Up to date too: a card missing or out of date (written by an older SDK, an interrupted build) is written again.
            ModelCard.WriteAll(paths, c);
            return new(new Lora.ExperimentRunResult(c, t, m, e, Lora.ExperimentPipeline.CheckExpectations(c, e)), upToDate, fingerprint, paths, clock.Elapsed);
        }
    }

    static Lora.MergeResult? RecordedMerge(Lora.ExperimentConfig config, ExperimentPaths paths) =>
        config.Merge is { } merge ? new Lora.MergeResult(paths.Merged, merge.DType) : null;
}
