using Lora.Runtime.Adapters;
using Lora.Runtime.Autograd;
using Lora.Runtime.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>What one optimizer step produced, left on the device until someone reads it.</summary>
/// <param name="Step">The 0-based index of the optimizer step.</param>
/// <param name="LearningRate">The scheduled learning rate it used.</param>
/// <param name="MicroLosses">(accumulation) the loss of each micro-batch before division.</param>
/// <param name="GradNorm">Scalar global gradient norm before clipping.</param>
public sealed record StepResult(int Step, double LearningRate, Tensor MicroLosses, Tensor GradNorm) : IDisposable
{
    public void Dispose()
    {
        MicroLosses.Dispose();
        GradNorm.Dispose();
    }
}

/// <summary>
/// Trains one adapter of a model (or, as a mode of the same loop, every base parameter): forward, loss, backward over the micro-batches of a step, clipping,
/// AdamW with the scheduled learning rate. Nothing is read back to the host inside a step.
/// </summary>
public sealed class LoraTrainer : IDisposable
{
    readonly CausalLanguageModel _model;
    readonly TrainingOptions _options;
    readonly IReadOnlyList<Parameter> _parameters;

    /// <summary>Trains adapter <paramref name="adapter"/>; the base model stays frozen.</summary>
    public LoraTrainer(CausalLanguageModel model, string adapter, TrainingOptions options)
        : this(model, LoraAdapters.Parameters(model, adapter).Select(p => p.Value).ToList(), options)
    {
        if (_parameters.Count == 0) throw new ArgumentException($"The model has no adapter named '{adapter}' to train.", nameof(adapter));
    }

    /// <summary>Trains exactly <paramref name="parameters"/> (e.g. every base parameter: full-parameter training); all others stay frozen.</summary>
    public LoraTrainer(CausalLanguageModel model, IReadOnlyList<Parameter> parameters, TrainingOptions options)
    {
        _model = model;
        _options = options;
        _parameters = parameters;
        foreach (var p in model.parameters()) p.requires_grad = false;
        foreach (var p in _parameters) p.requires_grad = true;
        Optimizer = new AdamW(_parameters, options.Beta1, options.Beta2, options.Epsilon, options.WeightDecay, options.EightBitOptimizer);
    }

    /// <summary>Full-parameter training of every base weight: the same loop, no adapter.</summary>
    public static LoraTrainer FullParameters(CausalLanguageModel model, TrainingOptions options) =>
        new(model, model.BaseParameters().Select(p => p.Value).ToList(), options);

    /// <summary>Optimizer steps between full collections of finaliser-held native memory (the young generation goes every step).</summary>
    public const int CollectEvery = 10;

    public AdamW Optimizer { get; }

    /// <summary>
    /// Called after each micro-batch's forward ("forward") and backward ("backward"), and after clipping and the update
    /// ("optimizer"): the benchmark's phase timing (it syncs the device there). Null in training: a step never waits.
    /// </summary>
    public Action<string>? PhaseObserver { get; set; }
    public IReadOnlyList<Parameter> TrainableParameters => _parameters;
    /// <summary>Optimizer steps completed (also the index of the next step).</summary>
    public int StepsDone => (int)Optimizer.Step;

    public StepResult Step(IReadOnlyList<TrainingBatch> microBatches)
    {
        if (microBatches.Count != _options.GradientAccumulation)
            throw new ArgumentException($"A step takes {_options.GradientAccumulation} micro-batches (gradient accumulation); got {microBatches.Count}.");
        _model.train();
        int step = StepsDone;
        double lr = _options.LearningRates.At(step);
        using var scope = NewDisposeScope();
        var losses = new List<Tensor>();
        foreach (var batch in microBatches)
        {
            using var micro = NewDisposeScope();
            var loss = _model.Loss(batch.InputIds, batch.Labels, batch.AttentionMask, batch.ScoredPositions);
            PhaseObserver?.Invoke("forward");
            (loss / microBatches.Count).backward();
            BackwardHandles.Release();
            PhaseObserver?.Invoke("backward");
            losses.Add(loss.detach().MoveToOuterDisposeScope());
        }
        Tensor norm;
        if (Optimizer.Flat is { } flat)
        {
            // All gradients in one float32 tensor: clipping and the update are a few kernels, whatever the factor count.
            var grads = flat.GatherGrads();
            norm = GradientClipping.ClipByGlobalNorm(grads, _options.MaxGradNorm);
            Optimizer.ApplyFlat(lr, grads);
        }
        else
        {
            norm = GradientClipping.ClipByGlobalNorm(_parameters, _options.MaxGradNorm);
            Optimizer.Apply(lr);
        }
        Optimizer.ZeroGrad();
        PhaseObserver?.Invoke("optimizer");
        // A step leaves a few MiB of .NET garbage (thousands of tensor handles, graph nodes) that keeps native memory
        // until a collection, which native memory pressure never triggers: the young generation is collected every
        // step (cheap), everything now and then, so resident memory stays flat over long runs.
        GC.Collect((step + 1) % CollectEvery == 0 ? GC.MaxGeneration : 0);
        GC.WaitForPendingFinalizers();
        return new StepResult(step, lr, stack(losses).MoveToOuterDisposeScope(), norm.MoveToOuterDisposeScope());
    }

    public void Dispose()
    {
        Optimizer.Dispose();
        ChunkedLinearCrossEntropy.ReleaseBuffer();
    }
}
