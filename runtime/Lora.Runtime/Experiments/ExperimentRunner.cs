using Lora.Runtime.Adapters;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Peft;
using Lora.Runtime.Quantization;
using Lora.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Experiments;

/// <summary>
/// The runtime side of a generated pipeline: trains, merges and evaluates one experiment into its
/// artifacts folder, resuming from the newest checkpoint made with the same fingerprint. Run goes through
/// <see cref="ExperimentStages"/>, as the build does.
/// </summary>
public sealed class ExperimentRunner(RunnerOptions options) : Lora.IExperimentRunner
{
    /// <summary>The adapter's name inside the model (PEFT's default); files never show it.</summary>
    internal const string AdapterName = "default";

    public Task<Lora.TrainResult> TrainAsync(Lora.ExperimentConfig config, IProgress<Lora.TrainingProgress>? progress, CancellationToken cancellationToken) =>
        Task.Run(() => Train(config, progress, cancellationToken), CancellationToken.None);

    public Task<Lora.MergeResult> MergeAsync(Lora.ExperimentConfig config, Lora.TrainResult training, CancellationToken cancellationToken) =>
        Task.Run(() => Merge(config, training, cancellationToken), cancellationToken);

    public Task<Lora.ExperimentRunResult> RunAsync(Lora.ExperimentConfig config, IProgress<Lora.TrainingProgress>? progress, CancellationToken cancellationToken) =>
        Task.Run(() => new ExperimentStages(options).Run(config, progress, cancellationToken).Result, CancellationToken.None);

    public Task<Lora.EvaluationResult> EvaluateAsync(Lora.ExperimentConfig config, Lora.TrainResult training, CancellationToken cancellationToken) =>
        Task.Run(() => ExperimentEvaluator.Evaluate(config, training, ExperimentPaths.For(options.ArtifactsRoot, config), cancellationToken, options.Device), cancellationToken);

    /// <summary>Trains the experiment's adapter, resuming from its latest checkpoint, and writes the adapter and run.json.</summary>
    /// <param name="config">The experiment.</param>
    /// <param name="progress">Receives one report per logging step (and at the end): the mean loss over the steps since the last one.</param>
    /// <param name="cancellationToken">Cancellation saves a checkpoint first, so the next run resumes.</param>
    /// <param name="fingerprint">The experiment's fingerprint when the caller has it already (the build host does); computed otherwise.</param>
    public Lora.TrainResult Train(Lora.ExperimentConfig config, IProgress<Lora.TrainingProgress>? progress, CancellationToken cancellationToken, string? fingerprint = null)
    {
        using var run = TrainingRun.Load(config, options, progress, fingerprint, cancellationToken);
        run.Resume();
        run.Train(cancellationToken);
        return run.Save();
    }

    /// <summary>Merges the adapter into its base model and writes the result; cancellation is honoured after loading and
    /// after the merge, before anything is written.</summary>
    public Lora.MergeResult Merge(Lora.ExperimentConfig config, Lora.TrainResult training, CancellationToken cancellationToken = default)
    {
        TorchNative.EnsureLoaded();
        var paths = ExperimentPaths.For(options.ArtifactsRoot, config);
        var baseFolder = BaseModelLocator.Resolve(config);
        var dtype = (config.Merge ?? throw new ArgumentException($"{config.FullName}: merging needs [Merge] settings.", nameof(config))).DType;
        using var model = MergedModel(config, training, baseFolder, cancellationToken);
        HfModelWriter.Save(model, paths.Merged, dtype switch
        {
            Lora.MergeDType.BFloat16 => ScalarType.BFloat16,
            Lora.MergeDType.Float16 => ScalarType.Float16,
            _ => ScalarType.Float32,
        }, baseFolder, DefaultChatTemplate(config, baseFolder));
        return new Lora.MergeResult(paths.Merged, dtype);
    }

    /// <summary>
    /// Writes the merged model as one GGUF file (<see cref="ExperimentPaths.Gguf"/>) in [Export]'s type, merged again in
    /// float32 so that the file's precision is its own type's and not the merged folder's too.
    /// </summary>
    public void ExportGguf(Lora.ExperimentConfig config, Lora.TrainResult training, CancellationToken cancellationToken = default)
    {
        TorchNative.EnsureLoaded();
        var paths = ExperimentPaths.For(options.ArtifactsRoot, config);
        var type = (config.Export ?? throw new ArgumentException($"{config.FullName}: exporting needs [Export] settings.", nameof(config))).Gguf;
        var baseFolder = BaseModelLocator.Resolve(config);
        using var model = MergedModel(config, training, baseFolder, cancellationToken);
        Export.Gguf.GgufExporter.Export(model, baseFolder, paths.Gguf, type, DefaultChatTemplate(config, baseFolder));
    }

    /// <summary>
    /// The base model with the trained adapter merged, in float32: rounding W + ΔW once is better than rounding each. After
    /// QLoRA the base is loaded 4-bit again, so the merge lands on the dequantized weights the adapter was trained against.
    /// </summary>
    static CausalLanguageModel MergedModel(Lora.ExperimentConfig config, Lora.TrainResult training, string baseFolder, CancellationToken cancellationToken)
    {
        var model = ModelLoader.Load(baseFolder, ScalarType.Float32, Quantization(config), cancellationToken);
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            PeftAdapter.Load(model, training.AdapterDirectory, AdapterName);
            LoraMerge.Merge(model, AdapterName);
            cancellationToken.ThrowIfCancellationRequested();
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The default chat template a chat experiment on a base model without one was trained with, which the merged
    /// model must carry; null otherwise (a base model's own template is among the files the merged model copies).</summary>
    static string? DefaultChatTemplate(Lora.ExperimentConfig config, string baseFolder)
    {
        if (config.Dataset.Format != Lora.DatasetFormat.Chat) return null;
        var template = Data.ChatFormat.TemplateOf(baseFolder, out bool isDefault);
        return isDefault ? template.Template.Source : null;
    }

    /// <summary>
    /// The base model in the run's compute type, on <paramref name="device"/>, with the experiment's adapter attached there:
    /// weights (4-bit ones too), adapter factors and so the optimizer's state all live on the device from the first step.
    /// </summary>
    internal static CausalLanguageModel LoadForTraining(Lora.ExperimentConfig config, string baseFolder, Device device, out LoraConfig settings,
        CancellationToken cancellationToken = default)
    {
        var quantize = Quantization(config);
        var model = ModelLoader.Load(baseFolder, ComputeDType(config, device), quantize, cancellationToken);
        try
        {
            model.to(device);
            model.GradientCheckpointing = config.Training.GradientCheckpointing;
            settings = AttachAdapter(model, config);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    static LoraConfig AttachAdapter(CausalLanguageModel model, Lora.ExperimentConfig config)
    {
        if (config.Adapter.InitFrom is { } init) return PeftAdapter.Load(model, config.ResolvePath(init), AdapterName);
        manual_seed(config.Training.Seed);
        var settings = new LoraConfig
        {
            Rank = config.Adapter.Rank, Alpha = config.Adapter.Alpha, Dropout = config.Adapter.Dropout,
            TargetModules = config.Adapter.Targets, UseRsLora = config.Adapter.UseRsLora, Bias = config.Adapter.Bias,
            UseDora = config.Adapter.UseDora,
        };
        // all-linear becomes the module names it selects, so the saved adapter_config.json names them as PEFT's does.
        settings = LoraAdapters.Resolve(model, settings);
        LoraAdapters.Attach(model, AdapterName, settings);
        return settings;
    }

    internal static QuantizationOptions? Quantization(Lora.ExperimentConfig config) => config.Quantization switch
    {
        null => null,
        { Type: Lora.QuantType.Int8 } => throw new ArgumentException($"[Quantize(QuantType.Int8)] of '{config.FullName}': 8-bit bases are not supported yet; use NF4 or FP4."),
        var q => new QuantizationOptions(q.Type, q.DoubleQuant, q.Embeddings),
    };

    /// <summary>What the run computes in on <paramref name="device"/>: the training precision, or the 4-bit base's compute type
    /// under QLoRA, with <see cref="Lora.ComputeType.Auto"/> resolved for the device (<see cref="ComputeTypes"/>).</summary>
    internal static ScalarType ComputeDType(Lora.ExperimentConfig config, Device device) =>
        ComputeTypes.Resolve(config.Quantization is { } q ? q.ComputeType : config.Training.Precision, device);
}
