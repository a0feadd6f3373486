using Lora.Runtime.IO;
using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Export.Gguf;

/// <summary>
/// Writes an attached adapter in llama.cpp's LoRA format (llama-adapter.cpp): <c>general.type</c> "adapter",
/// <c>adapter.type</c> "lora", <c>adapter.lora.alpha</c>, and per adapted weight <c>NAME.lora_a</c> (PEFT's A, [r, in]) and
/// <c>NAME.lora_b</c> (B, [out, r]) in F32, under the base tensor's GGUF name. llama.cpp adds
/// scale · B·A with scale = alpha / r; each layer's own scale (rsLoRA's α/√r, rank and alpha patterns) is folded into B and
/// alpha written as 0, which llama.cpp reads as "no further scaling". Query and key B rows are permuted as the base's are.
/// </summary>
public static class GgufAdapterExporter
{
    /// <exception cref="GgufExportException">A DoRA adapter (its magnitude rescaling has no llama.cpp form) or an unsupported family.</exception>
    public static void Export(CausalLanguageModel model, string adapterName, string outputPath)
    {
        var architecture = GgufArchitecture.For(model.Config);
        var layers = model.Projections().Where(p => p.Layer.HasAdapter(adapterName)).ToList();
        if (layers.Count == 0) throw new GgufExportException($"The model has no adapter named '{adapterName}'.");
        if (layers.FirstOrDefault(l => l.Layer.Slot(adapterName).UseDora) is { Name: { } dora })
            throw new GgufExportException($"{dora}: a DoRA adapter; llama.cpp's LoRA format has no magnitude vector. Merge it (lora export gguf --adapter) instead.");

        var metadata = new GgufMetadata()
            .Add("general.architecture", architecture.Name)
            .Add("general.type", "adapter")
            .Add("general.name", adapterName)
            .Add(GgufWriter.AlignmentKey, GgufWriter.DefaultAlignment)
            .Add("adapter.type", "lora")
            .Add("adapter.lora.alpha", 0f);
        var tensors = new List<GgufTensor>();
        foreach (var (module, layer) in layers)
        {
            string key = module + ".weight", name = architecture.TensorName(key);
            var slot = layer.Slot(adapterName);
            // PEFT's A is [r, in] and B [out, r] for Linear and GPT-2's Conv1D alike; llama.cpp wants ne = [in, r] and [r, out].
            tensors.Add(Factor($"{name}.lora_a", layer.LoraA(adapterName).shape, () => layer.LoraA(adapterName)));
            tensors.Add(Factor($"{name}.lora_b", layer.LoraB(adapterName).shape,
                () => architecture.PermuteRows(key, layer.LoraB(adapterName).to_type(ScalarType.Float32) * slot.Scale)));
        }
        AtomicFile.Write(outputPath, stream => GgufWriter.Write(stream, metadata, tensors));
    }

    static GgufTensor Factor(string name, long[] shape, Func<Tensor> value) =>
        new(name, shape.Reverse().ToArray(), GgmlType.F32, () =>
        {
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            return GgufTensorEncoder.Encode(value(), GgmlType.F32);
        });
}
