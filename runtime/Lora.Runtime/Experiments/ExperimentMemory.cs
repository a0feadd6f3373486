using Lora.Runtime.Models;
using Lora.Runtime.Training;
using TorchSharp;

namespace Lora.Runtime.Experiments;

/// <summary>
/// The compile-time memory estimate of an experiment's training (<see cref="Lora.MemoryEstimator"/>, the one the generator
/// checks LoraMemoryBudget against) for a scheduler that must ask for memory before the run: the base model's config.json,
/// the adapter and training settings, and sequences as long as the dataset's MaxLength (the longest a row can be).
/// </summary>
public static class ExperimentMemory
{
    /// <summary>Peak training tensors in MiB on <paramref name="device"/>, in the type the run computes in there.</summary>
    public static double EstimateMiB(Lora.ExperimentConfig config, torch.Device device)
    {
        var model = ModelConfig.Load(Path.Combine(BaseModelLocator.Resolve(config), "config.json"));
        var training = config.Training;
        var estimate = MemoryPrediction.Estimate(model, config.Adapter.Rank, config.Adapter.Targets, training.BatchSize, config.Dataset.MaxLength,
            ExperimentRunner.ComputeDType(config, device), ExperimentRunner.Quantization(config),
            Lora.MemoryEstimator.OptimizerBytesPerParameter(training.Optimizer == Lora.OptimizerType.AdamW8Bit), training.GradientCheckpointing, baselineBytes: 0,
            config.Adapter.Dropout);
        return estimate.TotalBytes / 1048576.0;
    }
}
