using Lora.Runtime.Tensors;
using Lora.Runtime.Tests.Models;

namespace Lora.Runtime.Tests.Experiments;

/// <summary>The train-tiny-llama fixture expressed as an experiment: token-id rows, in order, with its settings.</summary>
public static class FixtureExperiment
{
    public static string Folder => RepoPaths.Fixture("train-tiny-llama");

    /// <summary>Writes the fixture's 48 rows as TokenIds JSONL into <paramref name="dir"/> and returns its path.</summary>
    public static string WriteDataset(TempFolder dir)
    {
        var data = TensorFiles.ReadAll(Path.Combine(Folder, "expected.safetensors"))["data"];
        var lines = Enumerable.Range(0, (int)data.shape[0])
            .Select(r => "{\"input_ids\": [" + string.Join(", ", data[r].data<long>().ToArray()) + "]}");
        var path = dir.Child("train.jsonl");
        File.WriteAllLines(path, lines);
        return path;
    }

    public static ExperimentConfig Config(string projectDir, string datasetPath, int saveSteps = 0) => new(
        ExperimentName: "train-tiny-llama", VariantName: null, Description: null, ExperimentType: "Tests.TrainTinyLlama",
        SourcePath: "", ProjectDirectory: projectDir,
        Model: new BaseModelSettings(Path.Combine(Folder, "base"), IsBuiltIn: false, ModelType: "llama"),
        Adapter: new LoraSettings(8, 16, 0, ["q_proj", "k_proj", "v_proj", "o_proj"], LoraBias.None, false, false, Path.Combine(Folder, "adapter_init")),
        Quantization: null,
        Dataset: new DatasetSettings(datasetPath, DatasetFormat.TokenIds, null, null, null, null, EvalFraction: 0, Shuffle: false, MaxLength: 64, null, false, false),
        Training: new TrainingSettings(Epochs: 0, MaxSteps: 6, LearningRate: 5e-3, BatchSize: 4, EvalBatchSize: 4, GradientAccumulation: 2,
            WarmupSteps: 2, WarmupRatio: 0, Schedule: LrSchedule.Cosine, WeightDecay: 0.01, MaxGradNorm: 1.0, Seed: 42, GradientCheckpointing: false,
            Optimizer: OptimizerType.AdamW, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, Precision: ComputeType.Float32, EvalSteps: 0,
            SaveSteps: saveSteps, LoggingSteps: 1, EarlyStoppingPatience: 0, LoadBestModelAtEnd: false),
        Evaluation: null, Expectations: [], Merge: new MergeSettings(MergeDType.Float32, true));
}
