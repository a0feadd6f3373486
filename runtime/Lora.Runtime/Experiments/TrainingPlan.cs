using Lora.Runtime.Training;

namespace Lora.Runtime.Experiments;

/// <summary>
/// How a run trains, derived from the settings and the data size: how many optimizer steps it takes, how its micro-batches
/// are ordered, and when it logs, evaluates (in batches of <see cref="EvalBatchSize"/>) and checkpoints. run.json records it
/// (<see cref="ToJson"/>): what the run did, not what it was asked.
/// </summary>
public sealed record TrainingPlan(int TotalSteps, int WarmupSteps, int MicroBatchesPerEpoch, int GradientAccumulation, int BatchSize, int Seed, bool Shuffle,
    int EvalBatchSize, int LoggingSteps, int EvalSteps, int SaveSteps)
{
    public static TrainingPlan From(Lora.TrainingSettings t, int trainExamples, bool shuffle)
    {
        int microPerEpoch = (trainExamples + t.BatchSize - 1) / t.BatchSize;
        int stepsPerEpoch = Math.Max(1, microPerEpoch / t.GradientAccumulation);
        int total = t.MaxSteps > 0 ? t.MaxSteps : stepsPerEpoch * Math.Max(1, t.Epochs);
        int warmup = t.WarmupSteps > 0 ? t.WarmupSteps : (int)Math.Ceiling(t.WarmupRatio * total);
        return new TrainingPlan(total, warmup, microPerEpoch, t.GradientAccumulation, t.BatchSize, t.Seed, shuffle,
            t.EvalBatchSize, Math.Max(1, t.LoggingSteps), t.EvalSteps, t.SaveSteps);
    }

    /// <summary>Whether step <paramref name="step"/> (0-based) reports progress: every LoggingSteps, and the last step.</summary>
    public bool Logs(int step) => (step + 1) % LoggingSteps == 0 || step + 1 == TotalSteps;

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

    /// <summary>The plan as run.json records it, with the optimizer and schedule it drives.</summary>
    public System.Text.Json.Nodes.JsonObject ToJson(TrainingOptions options) => new()
    {
        ["total_steps"] = TotalSteps, ["warmup_steps"] = WarmupSteps, ["micro_batches_per_epoch"] = MicroBatchesPerEpoch,
        ["batch_size"] = BatchSize, ["gradient_accumulation"] = GradientAccumulation, ["shuffle"] = Shuffle,
        ["eval_batch_size"] = EvalBatchSize, ["logging_steps"] = LoggingSteps, ["eval_steps"] = EvalSteps, ["save_steps"] = SaveSteps,
        ["learning_rate"] = options.LearningRate, ["schedule"] = options.Schedule.ToString(), ["max_grad_norm"] = options.MaxGradNorm,
        ["weight_decay"] = options.WeightDecay, ["betas"] = new System.Text.Json.Nodes.JsonArray(options.Beta1, options.Beta2), ["epsilon"] = options.Epsilon,
        ["optimizer"] = options.EightBitOptimizer ? "adamw_8bit" : "adamw",
    };

    public TrainingOptions Options(Lora.TrainingSettings t) => new()
    {
        LearningRate = t.LearningRate, TotalSteps = TotalSteps, WarmupSteps = WarmupSteps, GradientAccumulation = t.GradientAccumulation,
        MaxGradNorm = t.MaxGradNorm, WeightDecay = t.WeightDecay, Beta1 = t.Beta1, Beta2 = t.Beta2, Epsilon = t.Epsilon,
        EightBitOptimizer = t.Optimizer == Lora.OptimizerType.AdamW8Bit,
        Schedule = t.Schedule,
    };
}
