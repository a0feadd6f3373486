namespace Lora.Tools.Pretraining;

/// <summary>One line of the training log, written every <c>logEverySteps</c> optimizer steps.</summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="TokensSeen">Training tokens consumed so far.</param>
/// <param name="MeanLoss">Mean training loss over the steps since the previous entry.</param>
/// <param name="GradNorm">Global gradient norm (before clipping) of the last step.</param>
/// <param name="LearningRate">Learning rate of the last step.</param>
/// <param name="ElapsedSeconds">Wall time since training started.</param>
public sealed record TrainingLogEntry(int Step, long TokensSeen, double MeanLoss, double GradNorm, double LearningRate, double ElapsedSeconds)
{
    public string Format(int totalSteps) =>
        $"step {Step}/{totalSteps}  loss {MeanLoss:F4}  grad-norm {GradNorm:F3}  lr {LearningRate:E2}  tokens {TokensSeen:N0}  " +
        $"{TokensSeen / Math.Max(ElapsedSeconds, 1e-9):F0} tok/s  elapsed {TimeSpan.FromSeconds(ElapsedSeconds):hh\\:mm\\:ss}";
}
