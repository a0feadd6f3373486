using Lora.Runtime.Training;

namespace Lora.Runtime.Tests.Training;

/// <summary>Trainer settings for tests that drive the trainer directly: PyTorch AdamW's betas and ε, no warm-up, no accumulation,
/// clipping at 1; each test states its learning rate and steps with a <c>with</c> expression.</summary>
internal static class TestTrainingOptions
{
    public static TrainingOptions AdamW(double learningRate, int totalSteps) => new()
    {
        LearningRate = learningRate, TotalSteps = totalSteps, Schedule = Lora.LrSchedule.Linear, WarmupSteps = 0, GradientAccumulation = 1,
        MaxGradNorm = 1.0, WeightDecay = 0, Beta1 = 0.9, Beta2 = 0.999, Epsilon = 1e-8, EightBitOptimizer = false,
    };
}
