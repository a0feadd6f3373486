using System.Diagnostics;
using Lora.Runtime.Adapters;
using Lora.Runtime.Data;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Peft;
using Lora.Runtime.Tensors;
using Lora.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Experiments;

/// <summary>
/// One training of an experiment's adapter, in named stages: <see cref="Load"/> (data, the model on its device with the
/// adapter attached, the trainer), <see cref="Resume"/> (this run's newest valid checkpoint), <see cref="Train"/> (the steps,
/// with evaluations, checkpoints and early stopping) and <see cref="Save"/> (the adapter and run.json).
/// </summary>
sealed class TrainingRun : IDisposable
{
    readonly Lora.ExperimentConfig _config;
    readonly Lora.TrainingSettings _t;
    readonly Action<string> _log;
    readonly IProgress<Lora.TrainingProgress>? _progress;
    readonly ExperimentPaths _paths;
    readonly Device _device;
    readonly ScalarType _computeType;
    readonly string _fingerprint;
    readonly LoadedExperiment _data;
    readonly TrainingPlan _plan;
    readonly TrainingOptions _options;
    readonly EarlyStopping? _earlyStop;
    readonly IDisposable _heap;   // the native heap's policy for this run (NativeHeap.ForTraining)
    readonly CausalLanguageModel _model;
    readonly LoraConfig _settings;
    readonly LoraTrainer _trainer;
    readonly Stopwatch _clock;
    readonly CpuTime _cpuAtStart;   // the process's CPU time when _clock started: run.json's train_cpu_seconds
    readonly double _baselineMiB;
    readonly double? _contextMiB;
    readonly List<double> _losses = [];
    readonly List<EvalPoint> _evals = [];
    readonly List<PendingStep> _pending = [];
    long _tokens;
    ProgressLog? _progressLog;   // progress.jsonl, opened by Resume once it is known whether the run starts over

    TrainingRun(Lora.ExperimentConfig config, Action<string> log, IProgress<Lora.TrainingProgress>? progress, ExperimentPaths paths, Device device,
        ScalarType computeType, string fingerprint, LoadedExperiment data, IDisposable heap, Stopwatch clock, CpuTime cpuAtStart, double baselineMiB, double? contextMiB,
        CausalLanguageModel model, LoraConfig settings)
    {
        (_config, _t, _log, _progress, _paths, _device, _computeType, _fingerprint, _data) =
            (config, config.Training, log, progress, paths, device, computeType, fingerprint, data);
        (_heap, _clock, _baselineMiB, _contextMiB, _model, _settings) = (heap, clock, baselineMiB, contextMiB, model, settings);
        _cpuAtStart = cpuAtStart;
        _plan = TrainingPlan.From(_t, data.Train.Count, config.Dataset.Shuffle);
        _options = _plan.Options(_t);
        _trainer = new LoraTrainer(model, ExperimentRunner.AdapterName, _options);
        _earlyStop = _t.EarlyStoppingPatience > 0 && data.Eval.Count > 0 ? new EarlyStopping(_t.EarlyStoppingPatience) : null;
    }

    /// <summary>Loads the data, then the model on the runner's device with the adapter attached, and makes the trainer.</summary>
    public static TrainingRun Load(Lora.ExperimentConfig config, RunnerOptions options, IProgress<Lora.TrainingProgress>? progress, string? fingerprint,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var cpuAtStart = CpuTime.Now();
        var device = Devices.Resolve(options.Device, out var choice);
        void Log(string message) => options.Log($"{config.FullName}: {message}");
        if (options.Device == "auto") Log($"device {choice}");
        var computeType = ExperimentRunner.ComputeDType(config, device);
        if ((config.Quantization?.ComputeType ?? config.Training.Precision) == Lora.ComputeType.Auto) Log($"computing in {computeType} (Auto on {choice})");
        var paths = ExperimentPaths.For(options.ArtifactsRoot, config);
        var data = LoadedExperiment.Load(config, paths.Root);
        if (data.Builder.Chat is { } chat)
            Log(chat.IsDefault ? $"the base model has no chat template: chat rows are rendered with {chat.Source}, which the adapter and the merged model carry along"
                : $"chat rows are rendered with the chat template of {chat.Source}");
        IDisposable? heap = null;
        try
        {
            fingerprint ??= ExperimentFingerprint.Compute(config, data.BaseModel, computeType);
            // Batches are padded to their longest row, so every step has the same shapes only when every row has one length.
            bool fixedShapes = data.Train.Lengths.Distinct().Count() <= 1;
            heap = NativeHeap.ForTraining(memoryLean: config.Quantization is not null || config.Training.GradientCheckpointing, fixedShapes);
            double baselineMiB = ProcessMemory.ResidentMiB();
            double? contextMiB = DeviceUsedMiB(device);   // the CUDA context alone, before the model
            var model = ExperimentRunner.LoadForTraining(config, data.BaseFolder, device, out var settings, cancellationToken);
            return new TrainingRun(config, Log, progress, paths, device, computeType, fingerprint, data, heap, clock, cpuAtStart, baselineMiB, contextMiB, model, settings);
        }
        catch
        {
            heap?.Dispose();
            data.Dispose();
            throw;
        }
    }

    /// <summary>Removes another configuration's checkpoints and resumes from this run's newest valid one, if any.</summary>
    public void Resume()
    {
        TrainingCheckpoint.ClearStale(_paths.Checkpoints, _fingerprint, _log);
        var resumed = TrainingCheckpoint.Resume(_paths.Checkpoints, _fingerprint, _model, ExperimentRunner.AdapterName, _trainer, _log);
        _progressLog = ProgressLog.Open(_paths, _fingerprint, _plan.TotalSteps, resumed?.State.Step, () => _clock.Elapsed.TotalSeconds);
        if (resumed is not { } checkpoint) return;
        _losses.AddRange(checkpoint.State.Losses);
        _evals.AddRange(checkpoint.State.Evals ?? []);
        _log($"resuming from {Path.GetFileName(checkpoint.Folder)} ({checkpoint.State.Step}/{_plan.TotalSteps} steps done)");
    }

    /// <summary>
    /// The steps from where the run stands to the plan's end: a progress report every LoggingSteps; an evaluation every
    /// EvalSteps (or at each epoch's end when 0, with an eval split), which early stopping (transformers'
    /// EarlyStoppingCallback, counting the evaluations before a resume too) may end the run on; a checkpoint every SaveSteps
    /// (or at each epoch's end when 0), so a killed build loses at most that much. Cancellation checkpoints, then throws.
    /// </summary>
    public void Train(CancellationToken cancellationToken)
    {
        foreach (var e in _evals) _earlyStop?.ShouldStop(e.Loss);
        for (int step = _trainer.StepsDone; step < _plan.TotalSteps; step++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                Checkpoint();
                cancellationToken.ThrowIfCancellationRequested();
            }
            Step(step);
            bool last = step + 1 == _plan.TotalSteps;
            if (_plan.Logs(step)) Flush();
            bool evaluates = _data.Eval.Count > 0 && !last && _plan.Due(step, _plan.EvalSteps);
            if (evaluates && EvaluateAndStop(step)) break;
            // Keeping the best adapter needs each evaluated one on disk (transformers asks save and eval steps to agree).
            if (!last && (_plan.Due(step, _plan.SaveSteps) || (evaluates && _t.LoadBestModelAtEnd))) Checkpoint();
        }
    }

    /// <summary>Writes the adapter and run.json (with the final eval loss and memory), and removes the checkpoints.</summary>
    public Lora.TrainResult Save()
    {
        // The training loop's peak, before the evaluation below runs its own (unfused, larger-batch) forward passes.
        var memory = Memory();
        double? evalLoss = _data.Eval.Count > 0 ? EvalLoss(_trainer.StepsDone) : null;
        double? lastStepEvalLoss = evalLoss;
        if (evalLoss is { } final) _progressLog?.Eval(_trainer.StepsDone, _plan.TotalSteps, final);
        var kept = KeptEvaluation(evalLoss);
        if (kept.Step == _trainer.StepsDone)
            PeftAdapter.Save(_model, ExperimentRunner.AdapterName, _settings, _paths.Adapter, _config.Model.Source, _data.Builder.Chat?.TemplateText,
                _data.BaseModel.Snapshot?.Commit);
        else
        {
            TrainingCheckpoint.CopyAdapter(_paths.Checkpoints, kept.Step, _paths.Adapter, _data.Builder.Chat?.TemplateText);
            _log($"kept the adapter of step {kept.Step} (eval loss {kept.Loss:F4}; after the last step {evalLoss:F4})");
            evalLoss = kept.Loss;
        }
        var plan = Plan();
        if (_t.LoadBestModelAtEnd) plan["best_step"] = kept.Step;
        RunRecord.Write(_paths, _config, _fingerprint, _losses, evalLoss, _clock.Elapsed, memory, _evals, _computeType, plan, _data.BaseModel, lastStepEvalLoss,
            new RunThroughput(_tokens, CpuTime.Now() - _cpuAtStart));
        if (Directory.Exists(_paths.Checkpoints)) Directory.Delete(_paths.Checkpoints, recursive: true);
        return new Lora.TrainResult(_config, _paths.Adapter, _trainer.StepsDone, _losses.Count > 0 ? _losses[^1] : double.NaN, evalLoss, _clock.Elapsed);
    }

    /// <summary>
    /// Which adapter the run keeps: the last one, or with LoadBestModelAtEnd the evaluated one with the lowest eval loss (the
    /// earliest of equals; the final state counts as an evaluation), as transformers' load_best_model_at_end.
    /// </summary>
    EvalPoint KeptEvaluation(double? finalLoss)
    {
        var last = new EvalPoint(_trainer.StepsDone, finalLoss ?? double.NaN);
        if (!_t.LoadBestModelAtEnd || finalLoss is null) return last;
        var best = BestEvaluation(_evals.Where(e => e.Step < last.Step));
        return best is not null && best.Loss < last.Loss ? best : last;
    }

    /// <summary>The evaluation with the lowest eval loss, the earliest of equals; null when there is none.</summary>
    static EvalPoint? BestEvaluation(IEnumerable<EvalPoint> evals) => evals.OrderBy(e => e.Loss).ThenBy(e => e.Step).FirstOrDefault();

    /// <summary>One optimizer step over its micro-batches; its loss and gradient norm stay on the device until <see cref="Flush"/>.</summary>
    void Step(int step)
    {
        // Dropout masks depend only on the seed and the step: a resumed run draws the same ones.
        manual_seed(_t.Seed * 1_000_003L + step);
        var rows = Enumerable.Range(0, _plan.GradientAccumulation)
            .Select(i => _plan.MicroBatch(step * _plan.GradientAccumulation + i, _data.Train.Count).ToList()).ToList();
        var examples = rows.Select(batch => batch.Select(j => _data.Train[j]).ToList()).ToList();
        _tokens += examples.Sum(batch => batch.Sum(e => (long)e.InputIds.Length));   // counted on the host: no device sync
        var result = _trainer.Step(examples.Select(batch => BatchCollator.Collate(batch, _data.PadId, _device)).ToList());
        _pending.Add(new PendingStep(step, result.LearningRate, result.MicroLosses.mean().DetachFromDisposeScope(), result.GradNorm.DetachFromDisposeScope(),
            _tokens, [.. rows.SelectMany(batch => batch)]));
        result.MicroLosses.Dispose();
    }

    /// <summary>
    /// Reads the pending steps' losses and gradient norms back (the only host sync: at logging steps, evaluations and
    /// checkpoints) and reports them; a non-finite value stops the run there, before anything of it is saved.
    /// </summary>
    void Flush()
    {
        foreach (var p in _pending)
        {
            double loss = p.Loss.item<float>(), norm = p.GradNorm.item<float>();
            if (!double.IsFinite(loss) || !double.IsFinite(norm))
                throw NonFiniteTrainingException.At(_config.FullName, p.Step + 1, _plan.TotalSteps, loss, norm, p.Lr, _computeType.ToString(),
                    p.Rows.Select(_data.Train.Where).ToList(), TrainingCheckpoint.Latest(_paths.Checkpoints, _fingerprint)?.Folder);
        }
        Report();
    }

    /// <summary>
    /// Reports the pending steps once, as transformers logs them: the last step, with the mean loss since the previous
    /// report. One report per logging step, not per step: a fast model at LoggingSteps 50 must not flood the build's output.
    /// </summary>
    void Report()
    {
        if (_pending.Count == 0) return;
        foreach (var p in _pending)
        {
            _losses.Add(p.Loss.item<float>());
            _progressLog?.Step(p.Step + 1, _plan.TotalSteps, _plan.Epoch(p.Step), _losses[^1], p.Lr, p.Tokens);
            p.Loss.Dispose();
            p.GradNorm.Dispose();
        }
        var (step, lr, _, _, tokens, _) = _pending[^1];
        double mean = _losses.Skip(_losses.Count - _pending.Count).Average();
        _progress?.Report(new Lora.TrainingProgress(step + 1, _plan.TotalSteps, _plan.Epoch(step), mean, lr, tokens));
        _pending.Clear();
    }

    /// <summary>Evaluates after <paramref name="step"/>, logs and keeps the loss; true when early stopping ends the run.</summary>
    bool EvaluateAndStop(int step)
    {
        Flush();
        double loss = EvalLoss(step + 1);
        _evals.Add(new EvalPoint(step + 1, loss));
        _progressLog?.Eval(step + 1, _plan.TotalSteps, loss);
        _log($"step {step + 1}/{_plan.TotalSteps} eval loss {loss:F4} (epoch {_plan.Epoch(step):0.##})");
        if (_earlyStop is null || !_earlyStop.ShouldStop(loss)) return false;
        _log($"early stop after step {step + 1}: eval loss {loss:F4}, best {_earlyStop.Best:F4}, no improvement in {_earlyStop.Patience} evaluations");
        return true;
    }

    /// <summary>The mean loss over the eval rows after <paramref name="step"/> steps; a non-finite one stops the run.</summary>
    double EvalLoss(int step)
    {
        double loss = ExperimentEvaluator.MeanLoss(_model, _data.Eval, _plan.EvalBatchSize, _data.PadId, _device);
        if (!double.IsFinite(loss))
            throw new NonFiniteTrainingException($"{_config.FullName}: the eval loss after step {step}/{_plan.TotalSteps} is {loss}: the adapter " +
                $"no longer gives finite values on the eval rows of {_config.Dataset.EvalPath ?? _config.Dataset.Path}; nothing of it was saved.");
        return loss;
    }

    /// <summary>Saves a checkpoint of where the run stands, after checking the pending steps' values (never one after a non-finite step).</summary>
    void Checkpoint()
    {
        Flush();
        Directory.CreateDirectory(_paths.Checkpoints);
        // Rotation spares the best evaluated checkpoint while LoadBestModelAtEnd may still keep it.
        int? best = _t.LoadBestModelAtEnd ? BestEvaluation(_evals)?.Step : null;
        TrainingCheckpoint.Save(_paths.Checkpoints, _model, ExperimentRunner.AdapterName, _settings, _trainer,
            new CheckpointState(_trainer.StepsDone, _fingerprint, [.. _losses], [.. _evals]), spare: best);
        _log($"checkpoint after step {_trainer.StepsDone}/{_plan.TotalSteps}");
    }

    /// <summary>What this run did, as run.json's "plan" records it: the training plan with its optimizer, and what the model and
    /// the early stopping it ran with were set to.</summary>
    System.Text.Json.Nodes.JsonObject Plan()
    {
        var plan = _plan.ToJson(_options);
        plan["gradient_checkpointing"] = _model.GradientCheckpointing;
        plan["early_stopping_patience"] = _earlyStop?.Patience;
        return plan;
    }

    /// <summary>The estimator's prediction beside the measured peak (resident memory: CPU runs only).</summary>
    RunMemory Memory()
    {
        bool cpu = _device.type == DeviceType.CPU;
        int length = _data.Train.Count == 0 ? _config.Dataset.MaxLength : _data.Train.Lengths.Max();
        var estimate = MemoryPrediction.Estimate(_model.Config, _config.Adapter.Rank, _config.Adapter.Targets, _t.BatchSize, length,
            _model.DType, ExperimentRunner.Quantization(_config), Lora.MemoryEstimator.OptimizerBytesPerParameter(_t.Optimizer == Lora.OptimizerType.AdamW8Bit),
            _t.GradientCheckpointing, cpu ? (long)(_baselineMiB * 1048576) : 0, _config.Adapter.Dropout,
            _data.Train.Count == 0 ? null : _data.Train.MostScored(_t.BatchSize));
        double? reserved = DeviceUsedMiB(_device) is { } used && _contextMiB is { } context ? used - context : null;
        return new RunMemory(estimate.TotalBytes / 1048576.0, estimate.Describe(), cpu ? _baselineMiB : null, cpu ? ProcessMemory.PeakResidentMiB() : null,
            Devices.NameOf(_device), reserved);
    }

    /// <summary>GPU memory in use on a CUDA device (the driver's figure, after the device is idle), or null elsewhere.</summary>
    static double? DeviceUsedMiB(Device device)
    {
        if (device.type != DeviceType.CUDA) return null;
        using (zeros(1, device: device)) cuda.synchronize(device);   // the context exists once a tensor has been there
        return Nvml.UsedMiB(Math.Max(0, device.index));
    }

    /// <summary>A trained step whose loss and gradient norm are still on the device; <see cref="Rows"/>: the training rows it used.</summary>
    sealed record PendingStep(int Step, double Lr, Tensor Loss, Tensor GradNorm, long Tokens, int[] Rows);

    public void Dispose()
    {
        foreach (var p in _pending)
        {
            p.Loss.Dispose();
            p.GradNorm.Dispose();
        }
        _progressLog?.Dispose();
        _trainer.Dispose();
        _model.Dispose();
        _heap.Dispose();
        _data.Dispose();
    }
}
