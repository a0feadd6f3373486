namespace Lora
{
    /// <summary>A progress report during training.</summary>
    /// <param name="Step">Optimizer steps done.</param>
    /// <param name="TotalSteps">Optimizer steps planned.</param>
    /// <param name="Epoch">Fractional epoch, e.g. 1.5 halfway through the second epoch.</param>
    /// <param name="Loss">Mean training loss since the previous report.</param>
    /// <param name="LearningRate">The learning rate of the latest step.</param>
    /// <param name="Tokens">Tokens (padding excluded) fed through the model by this step, counted from the run's first step.</param>
    public sealed record TrainingProgress(int Step, int TotalSteps, double Epoch, double Loss, double LearningRate, long Tokens = 0);
}
