using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.IO;
using Lora.Runtime.Models;
using Lora.Runtime.Quantization;
using Lora.Runtime.Tensors;
using static TorchSharp.torch;

namespace Lora.Runtime.Merge;

/// <summary>Saves a model's base weights as a Hugging Face folder that transformers' <c>from_pretrained</c> loads.</summary>
public static class HfModelWriter
{
    /// <summary>Files copied from the source folder as they are: the tokenizer and generation settings.</summary>
    public static readonly IReadOnlyList<string> CompanionFiles =
    [
        "generation_config.json", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json",
        "tokenizer.model", "vocab.json", "merges.txt", "added_tokens.json", "chat_template.jinja", "chat_template.json",
    ];

    /// <summary>
    /// Writes <c>config.json</c> (the source config with its dtype updated), <c>model.safetensors</c> in
    /// <paramref name="dtype"/> and the companion files, atomically. A tied LM head is not written, as transformers does.
    /// </summary>
    /// <param name="model">The model whose base weights are written.</param>
    /// <param name="folder">The folder to write, replaced whole.</param>
    /// <param name="dtype">The weights' type.</param>
    /// <param name="sourceFolder">The folder the companion files are copied from; null for none.</param>
    /// <param name="chatTemplate">A chat template the source folder does not have (the default one a chat experiment was
    /// trained with), written as <c>chat_template.jinja</c>; null for none.</param>
    public static void Save(CausalLanguageModel model, string folder, ScalarType dtype, string? sourceFolder = null, string? chatTemplate = null)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.BFloat16 or ScalarType.Float16))
            throw new ArgumentException($"Merged models are saved as fp32, bf16 or fp16; got {dtype}.", nameof(dtype));
        var config = (JsonObject)model.Config.Raw.DeepClone();
        config["dtype"] = TorchDTypeNames.NameOf(dtype);
        config.Remove("torch_dtype");
        config.Remove("quantization_config");
        // 4-bit layers are written in bitsandbytes' layout, which transformers reads as a "bnb-4bit" checkpoint. A 4-bit
        // LM head or embedding table (QuantizationOptions.Embeddings) is written dequantized: transformers keeps those in
        // full precision and would not read them otherwise.
        var fourBit = model.QuantizableModules().Where(m => m.Module.Quantized is not null).ToDictionary(m => m.Name + ".weight");
        static bool InBnbLayout((string Name, QuantizableModule Module) m) => m.Module is Adapters.LoraLinear && m.Name != "lm_head";
        if (fourBit.Values.FirstOrDefault(InBnbLayout) is { Module: not null } bnb)
        {
            var first = bnb.Module.Quantized!;
            config["quantization_config"] = new BnbQuantizationConfig(first.Type, first.Nested is not null, dtype).ToJson();
        }

        AtomicFolder.Write(folder, staging =>
        {
            var tensors = model.BaseParameters()
                .Where(p => !model.IsIgnorableCheckpointKey(p.Key))
                .SelectMany(p => !fourBit.TryGetValue(p.Key, out var q) ? [(p.Key, (Tensor)p.Value.to_type(dtype))]
                    : InBnbLayout(q) ? BnbFormat.ToTensors(q.Name, q.Module.Quantized!)
                    : [(p.Key, q.Module.FullWeight(dtype))]);
            TensorFiles.Write(Path.Combine(staging, "model.safetensors"), tensors, new Dictionary<string, string> { ["format"] = "pt" });
            File.WriteAllText(Path.Combine(staging, "config.json"), config.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            foreach (var name in sourceFolder is null ? [] : CompanionFiles)
            {
                var source = Path.Combine(sourceFolder!, name);
                if (File.Exists(source)) File.Copy(source, Path.Combine(staging, name));
            }
            var templatePath = Path.Combine(staging, Peft.PeftAdapter.ChatTemplateFileName);
            if (chatTemplate is not null && !File.Exists(templatePath)) File.WriteAllText(templatePath, chatTemplate);
        });
    }
}
