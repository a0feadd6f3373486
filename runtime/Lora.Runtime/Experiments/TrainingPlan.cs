using Lora.Runtime.Training;

namespace Lora.Runtime.Experiments;

/// <summary>How many optimizer steps a run takes and how its micro-batches are ordered, derived from the settings and the data size.</summary>
public sealed record TrainingPlan(int TotalSteps, int WarmupSteps, int MicroBatchesPerEpoch, int GradientAccumulation, int BatchSize, int Seed, bool Shuffle)
{
    public static TrainingPlan From(Lora.TrainingSettings t, int trainExamples, bool shuffle)
    {
        int microPerEpoch = (trainExamples + t.BatchSize - 1) / t.BatchSize;
        int stepsPerEpoch = Math.Max(1, microPerEpoch / t.GradientAccumulation);
        int total = t.MaxSteps > 0 ? t.MaxSteps : stepsPerEpoch * Math.Max(1, t.Epochs);
        int warmup = t.WarmupSteps > 0 ? t.WarmupSteps : (int)Math.Ceiling(t.WarmupRatio * total);
        return new TrainingPlan(total, warmup, microPerEpoch, t.GradientAccumulation, t.BatchSize, t.Seed, shuffle);
    }

    /// <summary>The example indices of global micro-batch <paramref name="index"/>: epochs reshuffled by seed + epoch, so a resumed run sees the same order.</summary>
    public int[] MicroBatch(int index, int trainExamples)
    {
        int epoch = index / MicroBatchesPerEpoch, within = index % MicroBatchesPerEpoch;
        var order = Enumerable.Range(0, trainExamples).ToArray();
        if (Shuffle) new Random(Seed + epoch).Shuffle(order);
        return order.Skip(within * BatchSize).Take(BatchSize).ToArray();
    }

    public double Epoch(int step) => (double)(step + 1) * GradientAccumulation / MicroBatchesPerEpoch;

    /// <summary>Whether optimizer step <paramref name="step"/> (0-based) completes an epoch.</summary>
    public bool EndsEpoch(int step) => Math.Floor(Epoch(step)) > Math.Floor(Epoch(step - 1));

    /// <summary>
    /// Whether a periodic action (a checkpoint: SaveSteps; an evaluation: EvalSteps) falls after step <paramref name="step"/>:
    /// every <paramref name="every"/> steps, or at each epoch's end when it is 0, as the settings document.
    /// </summary>
    public bool Due(int step, int every) => every > 0 ? (step + 1) % every == 0 : EndsEpoch(step);

    public TrainingOptions Options(Lora.TrainingSettings t) => new()
    {
        LearningRate = t.LearningRate, TotalSteps = TotalSteps, WarmupSteps = WarmupSteps, GradientAccumulation = t.GradientAccumulation,
        MaxGradNorm = t.MaxGradNorm, WeightDecay = t.WeightDecay, Beta1 = t.Beta1, Beta2 = t.Beta2, Epsilon = t.Epsilon,
        EightBitOptimizer = t.Optimizer == Lora.OptimizerType.AdamW8Bit,
        Schedule = t.Schedule switch { Lora.LrSchedule.Constant => ScheduleKind.Constant, Lora.LrSchedule.Linear => ScheduleKind.Linear, _ => ScheduleKind.Cosine },
    };
}
