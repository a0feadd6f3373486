using System.Text.Json.Nodes;
using Lora.Runtime.Models;
using Lora.Runtime.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Tools.Benchmarks;

/// <summary>Random, seeded models of the peer benchmark's shapes, built through the same model code as real training.</summary>
public static class BenchmarkModels
{
    public static ModelConfig Config(TrainingBenchmarkOptions o) => o.Family switch
    {
        "llama" => ModelConfig.Parse(new JsonObject
        {
            ["model_type"] = "llama", ["vocab_size"] = o.Vocab, ["hidden_size"] = o.Hidden, ["intermediate_size"] = o.Ffn,
            ["num_hidden_layers"] = o.Layers, ["num_attention_heads"] = o.Heads, ["num_key_value_heads"] = o.KvHeads == 0 ? o.Heads : o.KvHeads,
            ["max_position_embeddings"] = Math.Max(o.Seq, 2048), ["rms_norm_eps"] = 1e-6, ["tie_word_embeddings"] = false,
        }, "benchmark llama config"),
        "gpt2" => ModelConfig.Parse(new JsonObject
        {
            ["model_type"] = "gpt2", ["vocab_size"] = o.Vocab, ["n_embd"] = o.Hidden, ["n_head"] = o.Heads, ["n_layer"] = o.Layers,
            ["n_positions"] = o.Seq, ["n_inner"] = 4 * o.Hidden,
        }, "benchmark gpt2 config"),
        _ => throw new ArgumentException($"--family '{o.Family}': expected llama or gpt2."),
    };

    /// <summary>Weights N(0, 0.02²), norms at 1, seeded (torch.manual_seed(0) as the peer); with <paramref name="quantize"/>, each projection is quantized right after it is initialised.</summary>
    public static CausalLanguageModel Create(ModelConfig config, ScalarType dtype, Device device, QuantizationOptions? quantize = null)
    {
        manual_seed(0);
        var model = ModelLoader.Create(config, dtype);
        // Without quantization the (uninitialised) model goes to its device first and is drawn there: a 7B model's
        // 6.7 G weights take seconds to draw on a GPU and minutes on a CPU.
        if (quantize is null) model.to(device);
        // With quantization, each projection is quantized right after it is filled, so that the full-precision
        // model never exists at once (as when loading a checkpoint layer by layer).
        var quantizable = model.QuantizedModules(quantize);
        using (no_grad())
            foreach (var key in model.BaseParameters().Select(p => p.Key).ToList())
            {
                // On a GPU a projection to be quantized is drawn there and quantized there (a 7B model's 6.5 G weights
                // take minutes to quantize on a CPU); its full-precision copy exists one projection at a time. Moving a
                // module replaces its parameters, so each is looked up again by key.
                if (quantizable.TryGetValue(key, out var module) && device.type != DeviceType.CPU) module.to(device);
                var p = model.get_parameter(key)!;
                if (key.EndsWith("norm.weight") || key.Contains(".ln_") || key.StartsWith("transformer.ln_f")) p.fill_(key.EndsWith(".bias") ? 0 : 1);
                else if (key.EndsWith(".bias")) p.zero_();
                else p.normal_(0, 0.02);
                module?.Quantize(quantize!.Type, quantize.DoubleQuant);
            }
        model.to(device);
        return model;
    }
}
