namespace Lora.Runtime.Training;

/// <summary>
/// A step whose loss or gradient norm is not finite (NaN or ±∞): training stops there, before anything of that step or
/// later is saved, so the last checkpoint holds finite values and no artifact or protocol line carries the value.
/// </summary>
public sealed class NonFiniteTrainingException(string message) : InvalidOperationException(message)
{
    /// <summary>The message for step <paramref name="step"/> (1-based) of an experiment, with the likely causes.</summary>
    public static NonFiniteTrainingException At(string experiment, int step, int totalSteps, double loss, double gradNorm, double learningRate,
        string computeType, IReadOnlyList<string> rows, string? lastCheckpoint)
    {
        string what = double.IsFinite(loss) ? $"the gradient norm is {gradNorm} (loss {loss:G6})" : $"the loss is {loss} (gradient norm {gradNorm})";
        string kept = lastCheckpoint is null
            ? "No checkpoint was saved before it, so the next build starts from step 0."
            : $"The last checkpoint, {lastCheckpoint}, was saved before it and holds finite values; the next build resumes from it.";
        string shown = string.Join(", ", rows.Take(8)) + (rows.Count > 8 ? $" and {rows.Count - 8} more" : "");
        return new NonFiniteTrainingException(
            $"{experiment}: training stopped at step {step}/{totalSteps}: {what}. Nothing of this step or later was saved. {kept} " +
            $"Likely causes: a learning rate too high for this model ({learningRate:G3} at this step: lower LearningRate, or add " +
            $"WarmupSteps); a compute type that overflows ({computeType}: Float16 does, BFloat16 and Float32 do not); or a data row " +
            $"this step trained on: {shown}.");
    }
}
