namespace Lora
{
    /// <summary>The resolved <see cref="TrainingAttribute"/>; see it for each setting's meaning.</summary>
    /// <param name="Epochs">Passes over the data (ignored when <paramref name="MaxSteps"/> is above 0).</param>
    /// <param name="MaxSteps">Optimizer steps; 0 means "use epochs".</param>
    /// <param name="LearningRate">Peak learning rate.</param>
    /// <param name="BatchSize">Rows per micro-batch.</param>
    /// <param name="EvalBatchSize">Rows per evaluation batch.</param>
    /// <param name="GradientAccumulation">Micro-batches per optimizer step.</param>
    /// <param name="WarmupSteps">Warm-up steps.</param>
    /// <param name="WarmupRatio">Warm-up as a share of all steps.</param>
    /// <param name="Schedule">Learning-rate decay after warm-up.</param>
    /// <param name="WeightDecay">AdamW decoupled weight decay.</param>
    /// <param name="MaxGradNorm">Gradient clipping norm; 0 disables.</param>
    /// <param name="Seed">Seed for initialisation, dropout and shuffling.</param>
    /// <param name="GradientCheckpointing">Recompute activations in the backward pass.</param>
    /// <param name="Optimizer">The optimizer.</param>
    /// <param name="Beta1">AdamW β1.</param>
    /// <param name="Beta2">AdamW β2.</param>
    /// <param name="Epsilon">AdamW ε.</param>
    /// <param name="Precision">Type of activations and unquantized base weights.</param>
    /// <param name="EvalSteps">Evaluate every this many steps; 0 at each epoch's end.</param>
    /// <param name="SaveSteps">Checkpoint every this many steps; 0 at each epoch's end.</param>
    /// <param name="LoggingSteps">Report progress every this many steps.</param>
    /// <param name="EarlyStoppingPatience">Evaluations without improvement before stopping; 0 disables.</param>
    /// <param name="LoadBestModelAtEnd">Keep the adapter with the lowest eval loss instead of the last one.</param>
    public sealed record TrainingSettings(
        int Epochs,
        int MaxSteps,
        double LearningRate,
        int BatchSize,
        int EvalBatchSize,
        int GradientAccumulation,
        int WarmupSteps,
        double WarmupRatio,
        LrSchedule Schedule,
        double WeightDecay,
        double MaxGradNorm,
        int Seed,
        bool GradientCheckpointing,
        OptimizerType Optimizer,
        double Beta1,
        double Beta2,
        double Epsilon,
        ComputeType Precision,
        int EvalSteps,
        int SaveSteps,
        int LoggingSteps,
        int EarlyStoppingPatience,
        bool LoadBestModelAtEnd);
}
