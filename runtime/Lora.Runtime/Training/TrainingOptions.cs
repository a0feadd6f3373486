namespace Lora.Runtime.Training;

/// <summary>
/// What the trainer runs with: the optimizer (AdamW as PyTorch's, or with bitsandbytes' 8-bit moments) and the learning-rate
/// schedule over the whole run. No defaults of its own: an experiment's come from its settings (<see cref="Experiments.TrainingPlan.Options"/>),
/// a benchmark or a test states each value.
/// </summary>
public sealed record TrainingOptions
{
    public required double LearningRate { get; init; }
    public required Lora.LrSchedule Schedule { get; init; }
    public required int WarmupSteps { get; init; }
    /// <summary>Optimizer steps in the whole run; the schedule decays over them.</summary>
    public required int TotalSteps { get; init; }
    /// <summary>Micro-batches per optimizer step; each contributes loss / accumulation to the gradient.</summary>
    public required int GradientAccumulation { get; init; }
    /// <summary>Global-norm clipping threshold; 0 turns clipping off.</summary>
    public required double MaxGradNorm { get; init; }
    public required double WeightDecay { get; init; }
    public required double Beta1 { get; init; }
    public required double Beta2 { get; init; }
    public required double Epsilon { get; init; }
    /// <summary>AdamW with blockwise 8-bit moments (bitsandbytes' <c>adamw_8bit</c>).</summary>
    public required bool EightBitOptimizer { get; init; }

    public LearningRateSchedule LearningRates => new(Schedule, LearningRate, WarmupSteps, TotalSteps);
}
