using System.Diagnostics;
using System.Text.Json.Nodes;
using Lora.Runtime.IO;
using Lora.Runtime.Tensors;

namespace Lora.Runtime.Experiments;

/// <summary>
/// The one orchestration of an experiment, for the build (<see cref="ExperimentHost"/>) and for code that calls a generated
/// pipeline's Run (<see cref="ExperimentRunner.RunAsync"/>): train, merge, export, evaluate and check expectations, each stage
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
        var (device, fingerprint, mergeFingerprint, exportFingerprint, evaluateFingerprint, trained, merged, exported, evaluated) = Inspect(config, paths, Log);
        var clock = Stopwatch.StartNew();
        if (trained && merged && exported && evaluated)
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
        if (!exported)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Log($"exporting {Lora.Runtime.Export.Gguf.GgmlTypes.NameOf(config.Export!.Gguf)} GGUF to {paths.Gguf}");
            runner.ExportGguf(config, training, cancellationToken);
            StageRecord.Complete(paths, StageRecord.Export, exportFingerprint);
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

    /// <summary>
    /// The outcome of an experiment whose stages are all current, or null when one needs computing: what the build asks before
    /// handing experiments to a scheduler (<c>lora experiment plan</c>). Computes nothing and takes no lock (a scheduled task
    /// may hold it).
    /// </summary>
    public Outcome? Current(Lora.ExperimentConfig config)
    {
        var paths = ExperimentPaths.For(options.ArtifactsRoot, config);
        var state = Inspect(config, paths, message => options.Log($"{config.FullName}: {message}"));
        if (!(state.Trained && state.Merged && state.Exported && state.Evaluated)) return null;
        var evaluation = ExperimentEvaluator.Recorded(paths);
        return new Outcome(new Lora.ExperimentRunResult(config, RunRecord.Result(paths, config), RecordedMerge(config, paths), evaluation,
            Lora.ExperimentPipeline.CheckExpectations(config, evaluation)), true, state.Fingerprint, paths, TimeSpan.Zero);
    }

    /// <summary>Each stage's fingerprint and whether its recorded output is current.</summary>
    sealed record StageState(TorchSharp.torch.Device Device, string Fingerprint, string MergeFingerprint, string ExportFingerprint, string EvaluateFingerprint,
        bool Trained, bool Merged, bool Exported, bool Evaluated);

    StageState Inspect(Lora.ExperimentConfig config, ExperimentPaths paths, Action<string> log)
    {
        // Named, not resolved, where the name says it: an up-to-date experiment loads no libtorch (cuda on a machine without one
        // fails in the stage that computes, with the reason).
        var device = Devices.NamedOrResolved(options.Device);
        string fingerprint = ExperimentFingerprint.Compute(config, BaseModelLocator.Locate(config), ExperimentRunner.ComputeDType(config, device));
        string mergeFingerprint = ExperimentFingerprint.Stage(fingerprint, StageRecord.Merge, config.Merge);
        // The GGUF is merged again in float32 (its precision is its own type's), so a new merge dtype does not redo it.
        string exportFingerprint = ExperimentFingerprint.Stage(fingerprint, StageRecord.Export, config.Export);
        // The evaluation writes report.md, which opens with the description: a new description rewrites it, without retraining.
        // The multiple-choice questions are the evaluation's own data: edited, they are scored again.
        string? choices = config.Evaluation?.ChoicesPath is { } choicesPath && File.Exists(config.ResolvePath(choicesPath))
            ? ExperimentFingerprint.FileHash(config.ResolvePath(choicesPath)) : null;
        string evaluateFingerprint = ExperimentFingerprint.Stage(fingerprint, StageRecord.Evaluate, new { config.Evaluation, config.Description, Choices = choices });
        // A stage recorded as done counts only while its output reads: a damaged one is redone, saying why.
        bool Done(string stage, string stageFingerprint)
        {
            if (!StageRecord.IsCurrent(paths, stage, stageFingerprint)) return false;
            if (StageArtifacts.Problem(paths, stage) is not { } problem) return true;
            log($"the {stage} stage's output is damaged ({problem}); doing it again");
            return false;
        }
        bool trained = Done(StageRecord.Train, fingerprint);
        bool merged = config.Merge is null || (trained && Done(StageRecord.Merge, mergeFingerprint));
        bool exported = config.Export is null || (trained && Done(StageRecord.Export, exportFingerprint));
        bool evaluated = config.Evaluation is null || (trained && Done(StageRecord.Evaluate, evaluateFingerprint));
        return new StageState(device, fingerprint, mergeFingerprint, exportFingerprint, evaluateFingerprint, trained, merged, exported, evaluated);
    }

    static Lora.MergeResult? RecordedMerge(Lora.ExperimentConfig config, ExperimentPaths paths) =>
        config.Merge is { } merge ? new Lora.MergeResult(paths.Merged, merge.DType) : null;
}
