namespace Lora.Runtime.Training;

/// <summary>Optimizer and schedule settings, with the defaults of transformers' Trainer + PyTorch's AdamW.</summary>
public sealed record TrainingOptions
{
    public double LearningRate { get; init; } = 2e-4;
    public ScheduleKind Schedule { get; init; } = ScheduleKind.Linear;
    public int WarmupSteps { get; init; }
    /// <summary>Optimizer steps in the whole run; the schedule decays over them.</summary>
    public required int TotalSteps { get; init; }
    /// <summary>Micro-batches per optimizer step; each contributes loss / accumulation to the gradient.</summary>
    public int GradientAccumulation { get; init; } = 1;
    /// <summary>Global-norm clipping threshold; 0 turns clipping off.</summary>
    public double MaxGradNorm { get; init; } = 1.0;
    public double WeightDecay { get; init; }
    public double Beta1 { get; init; } = 0.9;
    public double Beta2 { get; init; } = 0.999;
    public double Epsilon { get; init; } = 1e-8;
    /// <summary>AdamW with blockwise 8-bit moments (bitsandbytes' <c>adamw_8bit</c>).</summary>
    public bool EightBitOptimizer { get; init; }

    public LearningRateSchedule LearningRates => new(Schedule, LearningRate, WarmupSteps, TotalSteps);
}
