using System.Text.Json.Serialization;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Tools.Pretraining;

/// <summary>
/// Everything that decides a pretrained model: its shape, its inputs (pinned by hash), the held-out split,
/// the optimisation settings and the seed. Stored as <c>recipe.json</c> beside the weights, so that
/// <c>lora pretrain --recipe recipe.json</c> reproduces them.
/// </summary>
/// <param name="Name">The model's name, e.g. <c>lora-tiny-en</c>.</param>
/// <param name="Architecture">The Llama shape; becomes config.json.</param>
/// <param name="Inputs">The npm tarballs the corpus is read from.</param>
/// <param name="HeldOut">Which State of the Union addresses are kept for perplexity.</param>
/// <param name="SequenceLength">Tokens per packed training row.</param>
/// <param name="BatchSize">Rows per micro-batch.</param>
/// <param name="GradientAccumulation">Micro-batches per optimizer step.</param>
/// <param name="Steps">Optimizer steps.</param>
/// <param name="PeakLearningRate">Learning rate after warm-up.</param>
/// <param name="WarmupSteps">Linear warm-up from 0, in optimizer steps.</param>
/// <param name="Schedule">Decay after warm-up (cosine to 0 over the remaining steps).</param>
/// <param name="WeightDecay">AdamW's decoupled weight decay.</param>
/// <param name="Beta1">AdamW β1.</param>
/// <param name="Beta2">AdamW β2.</param>
/// <param name="MaxGradNorm">Global gradient-norm clipping threshold.</param>
/// <param name="InitStd">Standard deviation of the normal initialisation of every matrix (output projections are scaled by 1/√(2·layers)).</param>
/// <param name="Seed">Seeds the initialisation and the order of the training rows.</param>
/// <param name="TrainingDType">Parameter dtype while training: fp32 or bf16.</param>
/// <param name="SavedDType">Dtype of model.safetensors: fp32 or bf16.</param>
/// <param name="LogEverySteps">Losses are read back from the device and printed every this many steps.</param>
/// <param name="HeldOutEvalRows">Held-out rows (of <paramref name="SequenceLength"/> tokens) the perplexity is computed on; 0 means all.</param>
public sealed record PretrainingRecipe(
    string Name,
    RecipeArchitecture Architecture,
    IReadOnlyList<RecipeInput> Inputs,
    HeldOutRule HeldOut,
    int SequenceLength,
    int BatchSize,
    int GradientAccumulation,
    int Steps,
    double PeakLearningRate,
    int WarmupSteps,
    Lora.LrSchedule Schedule,
    double WeightDecay,
    double Beta1,
    double Beta2,
    double MaxGradNorm,
    double InitStd,
    long Seed,
    string TrainingDType,
    string SavedDType,
    int LogEverySteps,
    int HeldOutEvalRows)
{
    /// <summary>Tokens one optimizer step trains on.</summary>
    [JsonIgnore]
    public long TokensPerStep => (long)SequenceLength * BatchSize * GradientAccumulation;

    public TrainingOptions ToTrainingOptions() => new()
    {
        LearningRate = PeakLearningRate, Schedule = Schedule, WarmupSteps = WarmupSteps, TotalSteps = Steps,
        GradientAccumulation = GradientAccumulation, MaxGradNorm = MaxGradNorm, WeightDecay = WeightDecay,
        // A recipe states no ε and trains with full-precision AdamW moments: PyTorch AdamW's ε, as the shipped model trained.
        Beta1 = Beta1, Beta2 = Beta2, Epsilon = 1e-8, EightBitOptimizer = false,
    };

    [JsonIgnore]
    public ScalarType TrainingScalarType => RecipeDTypes.Parse(TrainingDType, "trainingDType");
    [JsonIgnore]
    public ScalarType SavedScalarType => RecipeDTypes.Parse(SavedDType, "savedDType");

    /// <summary>Problems that make the recipe unusable, each naming its field; empty when it is valid.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var problem in Architecture.Problems()) yield return problem;
        if (Inputs.Count == 0) yield return "inputs: at least one npm package is needed.";
        foreach (var input in Inputs.Where(i => i.Sha256.Length != 64 || !i.Sha256.All(Uri.IsHexDigit)))
            yield return $"inputs: sha256 of {input.Package} must be 64 hex digits; got '{input.Sha256}'.";
        if (HeldOut.EveryNth < 2 || HeldOut.Offset < 0 || HeldOut.Offset >= HeldOut.EveryNth)
            yield return $"heldOut: everyNth must be at least 2 and offset in 0..everyNth-1; got {HeldOut.EveryNth} and {HeldOut.Offset}.";
        if (SequenceLength < 2 || SequenceLength > Architecture.MaxPositionEmbeddings)
            yield return $"sequenceLength {SequenceLength} must be between 2 and architecture.maxPositionEmbeddings {Architecture.MaxPositionEmbeddings}.";
        if (BatchSize < 1 || GradientAccumulation < 1 || Steps < 1 || LogEverySteps < 1)
            yield return "batchSize, gradientAccumulation, steps and logEverySteps must be at least 1.";
        if (WarmupSteps < 0 || WarmupSteps >= Steps)
            yield return $"warmupSteps {WarmupSteps} must be between 0 and steps - 1 ({Steps - 1}).";
        if (PeakLearningRate <= 0 || InitStd <= 0)
            yield return "peakLearningRate and initStd must be positive.";
        if (HeldOutEvalRows < 0) yield return "heldOutEvalRows must be 0 (all) or positive.";
        if (!RecipeDTypes.IsKnown(TrainingDType)) yield return $"trainingDType '{TrainingDType}': expected one of {RecipeDTypes.Names}.";
        if (!RecipeDTypes.IsKnown(SavedDType)) yield return $"savedDType '{SavedDType}': expected one of {RecipeDTypes.Names}.";
    }
}
