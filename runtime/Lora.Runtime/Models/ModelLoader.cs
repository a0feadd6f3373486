using Lora.Runtime.Adapters;
using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using Lora.Runtime.Safetensors;
using Lora.Runtime.Tensors;
using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>Builds a model from a Hugging Face folder: <c>config.json</c> plus safetensors weights.</summary>
public static class ModelLoader
{
    public static CausalLanguageModel Create(ModelConfig config, ScalarType dtype = ScalarType.Float32)
    {
        TorchNative.EnsureLoaded();
        if (config.IsGpt2) return new Gpt2Model(config, dtype);
        return config.IsGemma ? new GemmaModel(config, dtype) : new LlamaModel(config, dtype);
    }

    /// <summary>
    /// Loads <paramref name="folder"/>; weights are converted to <paramref name="dtype"/> one tensor at a time. With
    /// <paramref name="quantize"/> (QLoRA), each projection is quantized as soon as it is read, so peak memory stays near
    /// the 4-bit model plus one layer. A bitsandbytes 4-bit checkpoint ("bnb-4bit") loads as 4-bit whatever is asked.
    /// <paramref name="cancellationToken"/> is checked between tensors: a large model's load stops when the build does.
    /// </summary>
    public static CausalLanguageModel Load(string folder, ScalarType dtype = ScalarType.Float32, QuantizationOptions? quantize = null,
        CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
            throw new ModelLoadException($"{folder}: model folder not found; expected a Hugging Face folder with config.json and model.safetensors.");
        var config = WithGenerationStops(ModelConfig.Load(Path.Combine(folder, "config.json")), Path.Combine(folder, "generation_config.json"));
        var model = Create(config, dtype);
        using var checkpoint = CheckpointFiles.Open(folder);
        if (BnbQuantizationConfig.FromModelConfig(config.Raw) is { } saved)
            quantize ??= new QuantizationOptions(saved.Type, saved.DoubleQuant);
        try
        {
            LoadWeights(model, checkpoint, quantize, cancellationToken);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }

    /// <summary>
    /// Copies every base parameter from the checkpoint; missing, unexpected, mis-shaped, non-float or non-finite tensors
    /// are one error listing all of them, each with its file (a NaN weight would otherwise surface as a NaN loss at the
    /// first step, and an integer one as a silent cast).
    /// </summary>
    public static void LoadWeights(CausalLanguageModel model, CheckpointFiles checkpoint, QuantizationOptions? quantize = null,
        CancellationToken cancellationToken = default)
    {
        var expected = model.BaseParameters().ToDictionary(p => p.Key, p => p.Value);
        var quantized = model.QuantizedModules(quantize);
        var missing = expected.Keys.Where(k => !checkpoint.Contains(k)).ToList();
        var unexpected = checkpoint.TensorNames.Where(k => !expected.ContainsKey(k) && !model.IsIgnorableCheckpointKey(k) && !IsQuantState(k, quantized)).ToList();
        var wrongShape = new List<string>();
        var unusable = new List<string>();
        Tensor? Lookup(string key) => checkpoint.TryGet(key, out var l) ? TensorFiles.Read(l) : null;
        // The tensor when its values can be a weight's (a float type, all finite); else null, and why in `unusable`.
        Tensor? Weight(string key, TensorLocation location)
        {
            if (location.Entry.DType is not (SafetensorsDType.F16 or SafetensorsDType.BF16 or SafetensorsDType.F32 or SafetensorsDType.F64))
            {
                unusable.Add($"{key} in {location.File.Path} holds {location.Entry.DType} values; a weight is a floating-point tensor");
                return null;
            }
            var t = TensorFiles.Read(location);
            if (t.isfinite().all().item<bool>()) return t;
            unusable.Add($"{key} in {location.File.Path} holds NaN or infinite values (the checkpoint is damaged or was saved from a diverged run)");
            return null;
        }
        foreach (var (key, parameter) in expected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!checkpoint.TryGet(key, out var location)) continue;
            if (quantized.TryGetValue(key, out var layer))
            {
                using var layerScope = NewDisposeScope();
                string module = key[..^".weight".Length];
                if (BnbFormat.IsQuantized(module, Lookup)) layer.SetQuantized(BnbFormat.FromTensors(module, Lookup));
                else if (!location.Entry.Shape.SequenceEqual(parameter.shape))
                    wrongShape.Add($"{key}: file has [{string.Join(", ", location.Entry.Shape)}], model expects [{string.Join(", ", parameter.shape)}]");
                else if (Weight(key, location) is { } weight)
                {
                    using (no_grad()) parameter.copy_(weight);
                    layer.Quantize(quantize!.Type, quantize.DoubleQuant);
                }
                continue;
            }
            if (!location.Entry.Shape.SequenceEqual(parameter.shape))
            {
                wrongShape.Add($"{key}: file has [{string.Join(", ", location.Entry.Shape)}], model expects [{string.Join(", ", parameter.shape)}]");
                continue;
            }
            using var scope = NewDisposeScope();
            if (Weight(key, location) is { } value)
                using (no_grad()) parameter.copy_(value);
        }
        if (missing.Count + unexpected.Count + wrongShape.Count + unusable.Count == 0) return;

        var lines = new List<string>
        {
            missing.Count + unexpected.Count + wrongShape.Count > 0
                ? $"{checkpoint.FolderPath}: the weights do not match a {model.Config.ModelType} model built from config.json."
                : $"{checkpoint.FolderPath}: some weights cannot be used.",
        };
        if (missing.Count > 0) lines.Add($"Missing {missing.Count} tensor(s): {Summarise(missing)}");
        if (unexpected.Count > 0) lines.Add($"Unexpected {unexpected.Count} tensor(s): {Summarise(unexpected)}");
        if (wrongShape.Count > 0) lines.Add($"Wrong shape: {Summarise(wrongShape)}");
        if (unusable.Count > 0) lines.Add($"Unusable values: {Summarise(unusable)}");
        lines.Add($"Expected {expected.Count} tensors, e.g. {Summarise(expected.Keys.ToList())}");
        throw new ModelLoadException(string.Join(Environment.NewLine, lines));
    }

    /// <summary>bitsandbytes stores a 4-bit layer's state beside its packed weight (<c>….weight.absmax</c> and so on).</summary>
    static bool IsQuantState(string key, IReadOnlyDictionary<string, QuantizableModule> quantized)
    {
        int at = key.IndexOf(".weight.", StringComparison.Ordinal);
        return at > 0 && quantized.ContainsKey(key[..(at + ".weight".Length)]);
    }

    /// <summary>generation_config.json's eos_token_id (Llama 3 lists several) also ends generation, as in transformers.</summary>
    static ModelConfig WithGenerationStops(ModelConfig config, string path)
    {
        if (!File.Exists(path)) return config;
        try
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["eos_token_id"];
            var ids = node switch
            {
                System.Text.Json.Nodes.JsonArray a => a.Select(n => n!.GetValue<int>()).ToList(),
                System.Text.Json.Nodes.JsonValue v when v.TryGetValue<int>(out var id) => [id],
                _ => new List<int>(),
            };
            return ids.Count == 0 ? config : config with { EosTokenIds = config.EosTokenIds.Concat(ids).Distinct().ToList() };
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new ModelLoadException($"{path}: eos_token_id must be an integer or a list of integers ({e.Message}).");
        }
    }

    static string Summarise(IReadOnlyList<string> items) =>
        string.Join(", ", items.Take(12)) + (items.Count > 12 ? $", … ({items.Count - 12} more)" : "");
}
