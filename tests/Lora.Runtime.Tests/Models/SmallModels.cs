using System.Text.Json.Nodes;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Models;

/// <summary>Builds small random models of each family from a config and saves them as Hugging Face folders.</summary>
public static class SmallModels
{
    public static JsonObject LlamaConfig(string modelType = "llama", bool tie = false) => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"), ["model_type"] = modelType, ["vocab_size"] = 96,
        ["hidden_size"] = 32, ["intermediate_size"] = 48, ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4,
        ["num_key_value_heads"] = 2, ["max_position_embeddings"] = 64, ["rms_norm_eps"] = 1e-6, ["rope_theta"] = 500000.0,
        ["hidden_act"] = "silu", ["tie_word_embeddings"] = tie, ["bos_token_id"] = 1, ["eos_token_id"] = 2,
    };

    /// <summary>
    /// A small Gemma 2 or Gemma 3 text config: head_dim 16 ≠ hidden/heads, a sliding-window layer (window 4, shorter than
    /// the test sequences) then a global one; Gemma 2 soft-caps the logits, Gemma 3 has its own rope base for the sliding layer.
    /// </summary>
    public static JsonObject GemmaConfig(string modelType = "gemma3_text")
    {
        var config = new JsonObject
        {
            ["architectures"] = new JsonArray(modelType == "gemma2" ? "Gemma2ForCausalLM" : "Gemma3ForCausalLM"), ["model_type"] = modelType,
            ["vocab_size"] = 96, ["hidden_size"] = 32, ["intermediate_size"] = 48, ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4,
            ["num_key_value_heads"] = 2, ["head_dim"] = 16, ["max_position_embeddings"] = 64, ["rms_norm_eps"] = 1e-6,
            ["hidden_activation"] = "gelu_pytorch_tanh", ["query_pre_attn_scalar"] = 24, ["sliding_window"] = 4,
            ["layer_types"] = new JsonArray("sliding_attention", "full_attention"), ["tie_word_embeddings"] = true,
            ["bos_token_id"] = 2, ["eos_token_id"] = 1, ["pad_token_id"] = 0,
        };
        if (modelType == "gemma2")
        {
            config["final_logit_softcapping"] = 3.0;
            config["attn_logit_softcapping"] = 50.0;
        }
        else
        {
            config["rope_theta"] = 1000000.0;
            config["rope_local_base_freq"] = 10000.0;
        }
        return config;
    }

    /// <summary>A copy of <paramref name="config"/> with <paramref name="changes"/> set (a null value writes JSON null).</summary>
    public static JsonObject With(JsonObject config, params (string Key, JsonNode? Value)[] changes)
    {
        var copy = (JsonObject)config.DeepClone();
        foreach (var (key, value) in changes) copy[key] = value;
        return copy;
    }

    /// <summary>
    /// Greedy continuation recomputing the whole sequence each token: no KV cache, masks and rotary tables built from
    /// scratch, the reference a cached generation must equal. prompt (1, T) → the T + <paramref name="tokens"/> ids.
    /// </summary>
    public static long[] GreedyWithoutCache(CausalLanguageModel model, Tensor prompt, int tokens)
    {
        using var _ = no_grad();
        var sequence = prompt;
        for (int i = 0; i < tokens; i++)
        {
            var next = model.Forward(sequence).select(1, -1).argmax(-1).unsqueeze(1);   // (1, 1)
            sequence = cat([sequence, next], 1);
        }
        return sequence.data<long>().ToArray();
    }

    /// <summary>A model of <paramref name="config"/> with N(0, 0.02²) weights (norm weights near 1), seeded.</summary>
    public static CausalLanguageModel Random(JsonObject config, long seed = 0)
    {
        var model = ModelLoader.Create(ModelConfig.Parse(config));
        manual_seed(seed);
        using var _ = no_grad();
        foreach (var (key, p) in model.BaseParameters())
        {
            if (key.EndsWith("norm.weight") || key.Contains("ln_")) p.copy_(1 + 0.1 * randn_like(p));
            else p.copy_(0.02 * randn_like(p) * 5);
        }
        return model;
    }

    public static string SaveRandom(TempFolder dir, string name, JsonObject config, long seed = 0)
    {
        using var model = Random(config, seed);
        var folder = dir.Child(name);
        HfModelWriter.Save(model, folder, ScalarType.Float32);
        return folder;
    }

    public static Tensor Ids(long batch = 2, long length = 10, long vocab = 96, long seed = 7)
    {
        manual_seed(seed);
        return randint(3, vocab, [batch, length], dtype: ScalarType.Int64);
    }
}
