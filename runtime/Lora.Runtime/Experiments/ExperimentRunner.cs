using System.Diagnostics;
using Lora.Runtime.Adapters;
using Lora.Runtime.Data;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Peft;
using Lora.Runtime.Quantization;
using Lora.Runtime.Tensors;
using Lora.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Experiments;

/// <summary>
/// The runtime side of a generated pipeline: trains, merges and evaluates one experiment into its
/// artifacts folder, resuming from the newest checkpoint made with the same fingerprint.
/// </summary>
public sealed class ExperimentRunner(RunnerOptions options) : Lora.IExperimentRunner
{
    const string AdapterName = "default";

    public Task<Lora.TrainResult> TrainAsync(Lora.ExperimentConfig config, IProgress<Lora.TrainingProgress>? progress, CancellationToken cancellationToken) =>
        Task.Run(() => Train(config, progress, cancellationToken), CancellationToken.None);

    public Task<Lora.MergeResult> MergeAsync(Lora.ExperimentConfig config, Lora.TrainResult training, CancellationToken cancellationToken) =>
        Task.Run(() => Merge(config, training), cancellationToken);

    public Task<Lora.EvaluationResult> EvaluateAsync(Lora.ExperimentConfig config, Lora.TrainResult training, CancellationToken cancellationToken) =>
        Task.Run(() => ExperimentEvaluator.Evaluate(config, training, ExperimentPaths.For(options.ArtifactsRoot, config), cancellationToken, options.Device), cancellationToken);

    /// <summary>Trains the experiment's adapter, resuming from its latest checkpoint, and writes the adapter and run.json.</summary>
    /// <param name="config">The experiment.</param>
    /// <param name="progress">Receives one report per logging step (and at the end): the mean loss over the steps since the last one.</param>
    /// <param name="cancellationToken">Cancellation saves a checkpoint first, so the next run resumes.</param>
    /// <param name="fingerprint">The experiment's fingerprint when the caller has it already (the build host does); computed otherwise.</param>
    public Lora.TrainResult Train(Lora.ExperimentConfig config, IProgress<Lora.TrainingProgress>? progress, CancellationToken cancellationToken, string? fingerprint = null)
    {
        var clock = Stopwatch.StartNew();
        var device = Devices.Resolve(options.Device, out var choice);
        if (options.Device == "auto") options.Log($"{config.FullName}: device {choice}");
        var computeType = ComputeDType(config, device);
        if ((config.Quantization?.ComputeType ?? config.Training.Precision) == Lora.ComputeType.Auto)
            options.Log($"{config.FullName}: computing in {computeType} (Auto on {choice})");
        var paths = ExperimentPaths.For(options.ArtifactsRoot, config);
        var data = LoadedExperiment.Load(config);
        fingerprint ??= ExperimentFingerprint.Compute(config, data.BaseFolder, computeType);
        var t = config.Training;

        // QLoRA: the same model with its projections in 4 bits, computing in the quantization's compute type.
        var quantize = Quantization(config);
        // Batches are padded to their longest row, so every step has the same shapes only when every row has one length.
        bool fixedShapes = data.Train.Select(e => e.Example.InputIds.Length).Distinct().Count() <= 1;
        using var heap = NativeHeap.ForTraining(memoryLean: quantize is not null || t.GradientCheckpointing, fixedShapes);
        double baselineMiB = ProcessMemory.ResidentMiB();
        double? contextMiB = DeviceUsedMiB(device);   // the CUDA context alone, before the model
        using var model = LoadForTraining(config, data.BaseFolder, device, out var settings);
        var plan = TrainingPlan.From(t, data.Train.Count, config.Dataset.Shuffle);
        using var trainer = new LoraTrainer(model, AdapterName, plan.Options(t));
        var losses = new List<double>();
        var evals = new List<EvalPoint>();
        // Checkpoints belong to the run of one fingerprint: another configuration's are removed, never resumed or counted.
        void Log(string message) => options.Log($"{config.FullName}: {message}");
        TrainingCheckpoint.ClearStale(paths.Checkpoints, fingerprint, Log);
        if (TrainingCheckpoint.Resume(paths.Checkpoints, fingerprint, model, AdapterName, trainer, Log) is { } checkpoint)
        {
            losses.AddRange(checkpoint.State.Losses);
            evals.AddRange(checkpoint.State.Evals ?? []);
            options.Log($"{config.FullName}: resuming from {Path.GetFileName(checkpoint.Folder)} ({checkpoint.State.Step}/{plan.TotalSteps} steps done)");
        }

        var pending = new List<PendingStep>();
        long tokens = 0;
        int logEvery = Math.Max(1, t.LoggingSteps);
        // Evaluation every EvalSteps, or at each epoch's end when it is 0 (with an eval split); early stopping
        // (transformers' EarlyStoppingCallback) ends the run after EarlyStoppingPatience evaluations without improvement,
        // counting those before a resume too.
        var earlyStop = t.EarlyStoppingPatience > 0 && data.Eval.Count > 0 ? new EarlyStopping(t.EarlyStoppingPatience) : null;
        foreach (var e in evals) earlyStop?.ShouldStop(e.Loss);
        var evalExamples = data.Eval.Select(e => e.Example).ToList();
        double EvalLoss(int step)
        {
            double loss = ExperimentEvaluator.MeanLoss(model, evalExamples, t.EvalBatchSize, data.PadId, device);
            if (!double.IsFinite(loss))
                throw new NonFiniteTrainingException($"{config.FullName}: the eval loss after step {step}/{plan.TotalSteps} is {loss}: the adapter " +
                    $"no longer gives finite values on the eval rows of {config.Dataset.EvalPath ?? config.Dataset.Path}; nothing of it was saved.");
            return loss;
        }
        // Reads the pending steps' losses and gradient norms back (the only host sync: at logging steps and before a
        // checkpoint) and reports them; a non-finite value stops the run there, before anything of it is saved.
        void Flush()
        {
            foreach (var p in pending)
            {
                double loss = p.Loss.item<float>(), norm = p.GradNorm.item<float>();
                if (!double.IsFinite(loss) || !double.IsFinite(norm))
                    throw NonFiniteTrainingException.At(config.FullName, p.Step + 1, plan.TotalSteps, loss, norm, p.Lr, computeType.ToString(),
                        p.Rows.Select(j => data.Train[j].Row.Where).ToList(), TrainingCheckpoint.Latest(paths.Checkpoints, fingerprint)?.Folder);
            }
            Report(pending, losses, plan, progress);
        }
        for (int step = trainer.StepsDone; step < plan.TotalSteps; step++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Flush();
                SaveCheckpoint(paths, model, settings, trainer, fingerprint, losses, evals);
                cancellationToken.ThrowIfCancellationRequested();
            }
            // Dropout masks depend only on the seed and the step: a resumed run draws the same ones.
            manual_seed(t.Seed * 1_000_003L + step);
            var rows = Enumerable.Range(0, plan.GradientAccumulation)
                .Select(i => plan.MicroBatch(step * plan.GradientAccumulation + i, data.Train.Count).ToList()).ToList();
            var examples = rows.Select(batch => batch.Select(j => data.Train[j].Example).ToList()).ToList();
            tokens += examples.Sum(batch => batch.Sum(e => (long)e.InputIds.Length));   // counted on the host: no device sync
            var result = trainer.Step(examples.Select(batch => BatchCollator.Collate(batch, data.PadId, device)).ToList());
            pending.Add(new PendingStep(step, result.LearningRate, result.MicroLosses.mean().DetachFromDisposeScope(), result.GradNorm.DetachFromDisposeScope(),
                tokens, [.. rows.SelectMany(batch => batch)]));
            result.MicroLosses.Dispose();
            bool last = step + 1 == plan.TotalSteps;
            if ((step + 1) % logEvery == 0 || last) Flush();
            if (data.Eval.Count > 0 && !last && plan.Due(step, t.EvalSteps))
            {
                Flush();
                double evalNow = EvalLoss(step + 1);
                evals.Add(new EvalPoint(step + 1, evalNow));
                options.Log($"{config.FullName}: step {step + 1}/{plan.TotalSteps} eval loss {evalNow:F4} (epoch {plan.Epoch(step):0.##})");
                if (earlyStop is not null && earlyStop.ShouldStop(evalNow))
                {
                    Flush();
                    options.Log($"{config.FullName}: early stop after step {step + 1}: eval loss {evalNow:F4}, best {earlyStop.Best:F4}, " +
                                $"no improvement in {t.EarlyStoppingPatience} evaluations");
                    break;
                }
            }
            // A checkpoint every SaveSteps, or at each epoch's end when it is 0: a killed build loses at most that much.
            if (!last && plan.Due(step, t.SaveSteps))
            {
                Flush();   // a step with a non-finite value stops the run here, before its checkpoint
                SaveCheckpoint(paths, model, settings, trainer, fingerprint, losses, evals);
            }
        }

        // The training loop's peak, before the evaluation below runs its own (unfused, larger-batch) forward passes.
        var memory = Memory(model, config, data, baselineMiB, device, contextMiB);
        double? evalLoss = data.Eval.Count > 0 ? EvalLoss(trainer.StepsDone) : null;
        PeftAdapter.Save(model, AdapterName, settings, paths.Adapter, config.Model.Source);
        RunRecord.Write(paths, config, fingerprint, losses, evalLoss, clock.Elapsed, memory, evals, computeType);
        if (Directory.Exists(paths.Checkpoints)) Directory.Delete(paths.Checkpoints, recursive: true);
        return new Lora.TrainResult(config, paths.Adapter, trainer.StepsDone, losses.Count > 0 ? losses[^1] : double.NaN, evalLoss, clock.Elapsed);
    }

    public Lora.MergeResult Merge(Lora.ExperimentConfig config, Lora.TrainResult training)
    {
        TorchNative.EnsureLoaded();
        var paths = ExperimentPaths.For(options.ArtifactsRoot, config);
        var baseFolder = BaseModelLocator.Resolve(config);
        var dtype = config.Merge?.DType ?? Lora.MergeDType.Float32;
        // Merge in float32, then cast once: rounding W + ΔW is better than rounding each. After QLoRA the base is
        // loaded 4-bit again, so the merge lands on the dequantized weights the adapter was trained against.
        using var model = ModelLoader.Load(baseFolder, ScalarType.Float32, Quantization(config));
        PeftAdapter.Load(model, training.AdapterDirectory, AdapterName);
        LoraMerge.Merge(model, AdapterName);
        HfModelWriter.Save(model, paths.Merged, dtype switch
        {
            Lora.MergeDType.BFloat16 => ScalarType.BFloat16,
            Lora.MergeDType.Float16 => ScalarType.Float16,
            _ => ScalarType.Float32,
        }, baseFolder);
        return new Lora.MergeResult(paths.Merged, dtype);
    }

    /// <summary>The estimator's prediction beside the measured peak (resident memory: CPU runs only).</summary>
    static RunMemory Memory(CausalLanguageModel model, Lora.ExperimentConfig config, LoadedExperiment data, double baselineMiB, Device device, double? contextMiB)
    {
        bool cpu = device.type == DeviceType.CPU;
        int length = data.Train.Count == 0 ? config.Dataset.MaxLength : data.Train.Max(e => e.Example.InputIds.Length);
        var estimate = MemoryPrediction.Estimate(model.Config, config.Adapter.Rank, config.Adapter.Targets, config.Training.BatchSize, length,
            model.DType, Quantization(config), Lora.MemoryEstimator.OptimizerBytesPerParameter(config.Training.Optimizer == Lora.OptimizerType.AdamW8Bit),
            config.Training.GradientCheckpointing, cpu ? (long)(baselineMiB * 1048576) : 0);
        double? reserved = DeviceUsedMiB(device) is { } used && contextMiB is { } context ? used - context : null;
        return new RunMemory(estimate.TotalBytes / 1048576.0, estimate.Describe(), cpu ? baselineMiB : null, cpu ? ProcessMemory.PeakResidentMiB() : null,
            cpu ? "cpu" : $"{device.type.ToString().ToLowerInvariant()}:{Math.Max(0, device.index)}", reserved);
    }

    /// <summary>GPU memory in use on a CUDA device (the driver's figure, after the device is idle), or null elsewhere.</summary>
    static double? DeviceUsedMiB(Device device)
    {
        if (device.type != DeviceType.CUDA) return null;
        using (zeros(1, device: device)) cuda.synchronize(device);   // the context exists once a tensor has been there
        return Nvml.UsedMiB(Math.Max(0, device.index));
    }

    /// <summary>
    /// The base model in the run's compute type, on <paramref name="device"/>, with the experiment's adapter attached there:
    /// weights (4-bit ones too), adapter factors and so the optimizer's state all live on the device from the first step.
    /// </summary>
    internal static CausalLanguageModel LoadForTraining(Lora.ExperimentConfig config, string baseFolder, Device device, out LoraConfig settings)
    {
        var quantize = Quantization(config);
        var model = ModelLoader.Load(baseFolder, ComputeDType(config, device), quantize);
        try
        {
            model.to(device);
            model.GradientCheckpointing = config.Training.GradientCheckpointing;
            settings = AttachAdapter(model, config);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static LoraConfig AttachAdapter(CausalLanguageModel model, Lora.ExperimentConfig config)
    {
        if (config.Adapter.InitFrom is { } init) return PeftAdapter.Load(model, config.ResolvePath(init), AdapterName);
        manual_seed(config.Training.Seed);
        var settings = new LoraConfig
        {
            Rank = config.Adapter.Rank, Alpha = config.Adapter.Alpha, Dropout = config.Adapter.Dropout,
            TargetModules = config.Adapter.Targets, UseRsLora = config.Adapter.UseRsLora, Bias = config.Adapter.Bias,
            UseDora = config.Adapter.UseDora,
        };
        // all-linear becomes the module names it selects, so the saved adapter_config.json names them as PEFT's does.
        settings = LoraAdapters.Resolve(model, settings);
        LoraAdapters.Attach(model, AdapterName, settings);
        return settings;
    }

    static void SaveCheckpoint(ExperimentPaths paths, CausalLanguageModel model, LoraConfig settings, LoraTrainer trainer, string fingerprint, List<double> losses,
        List<EvalPoint> evals)
    {
        Directory.CreateDirectory(paths.Checkpoints);
        TrainingCheckpoint.Save(paths.Checkpoints, model, AdapterName, settings, trainer, new CheckpointState(trainer.StepsDone, fingerprint, [.. losses], [.. evals]));
    }

    /// <summary>A trained step whose loss and gradient norm are still on the device; <see cref="Rows"/>: the training rows it used.</summary>
    sealed record PendingStep(int Step, double Lr, Tensor Loss, Tensor GradNorm, long Tokens, int[] Rows);

    /// <summary>
    /// Reports the pending steps (their values checked finite) once, as transformers logs them: the last step, with the
    /// mean loss since the previous report. One report per logging step, not per step: a fast model at LoggingSteps 50 must
    /// not flood the build's output.
    /// </summary>
    static void Report(List<PendingStep> pending, List<double> losses, TrainingPlan plan, IProgress<Lora.TrainingProgress>? progress)
    {
        if (pending.Count == 0) return;
        foreach (var p in pending)
        {
            losses.Add(p.Loss.item<float>());
            p.Loss.Dispose();
            p.GradNorm.Dispose();
        }
        var (step, lr, _, _, tokens, _) = pending[^1];
        double mean = losses.Skip(losses.Count - pending.Count).Average();
        progress?.Report(new Lora.TrainingProgress(step + 1, plan.TotalSteps, plan.Epoch(step), mean, lr, tokens));
        pending.Clear();
    }

    internal static QuantizationOptions? Quantization(Lora.ExperimentConfig config) => config.Quantization switch
    {
        null => null,
        { Type: Lora.QuantType.Int8 } => throw new ArgumentException($"[Quantize(QuantType.Int8)] of '{config.FullName}': 8-bit bases are not supported yet; use NF4 or FP4."),
        var q => new QuantizationOptions(q.Type, q.DoubleQuant, q.Embeddings),
    };

    /// <summary>What the run computes in on <paramref name="device"/>: the training precision, or the 4-bit base's compute type
    /// under QLoRA, with <see cref="Lora.ComputeType.Auto"/> resolved for the device (<see cref="ComputeTypes"/>).</summary>
    internal static ScalarType ComputeDType(Lora.ExperimentConfig config, Device device) =>
        ComputeTypes.Resolve(config.Quantization is { } q ? q.ComputeType : config.Training.Precision, device);
}
