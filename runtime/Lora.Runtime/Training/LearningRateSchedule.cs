namespace Lora.Runtime.Training;

/// <summary>
/// transformers' schedules with linear warm-up (<c>get_constant_schedule_with_warmup</c>,
/// <c>get_linear_schedule_with_warmup</c>, <c>get_cosine_schedule_with_warmup</c>): the learning rate of
/// optimizer step <c>step</c> (0-based), so the first step of a warm-up uses 0, as there.
/// </summary>
public sealed record LearningRateSchedule(Lora.LrSchedule Kind, double PeakLearningRate, int WarmupSteps, int TotalSteps)
{
    public double At(int step)
    {
        if (step < WarmupSteps) return PeakLearningRate * step / Math.Max(1, WarmupSteps);
        double progress = (double)(step - WarmupSteps) / Math.Max(1, TotalSteps - WarmupSteps);
        return Kind switch
        {
            Lora.LrSchedule.Constant => PeakLearningRate,
            Lora.LrSchedule.Linear => PeakLearningRate * Math.Max(0.0, (double)(TotalSteps - step) / Math.Max(1, TotalSteps - WarmupSteps)),
            Lora.LrSchedule.Cosine => PeakLearningRate * Math.Max(0.0, 0.5 * (1.0 + Math.Cos(Math.PI * progress))),
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null),
        };
    }
}
