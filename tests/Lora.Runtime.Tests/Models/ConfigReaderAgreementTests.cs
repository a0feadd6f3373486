extern alias gen;
using System.Text.Json.Nodes;
using Lora.Runtime.Models;
using GeneratorConfigReader = gen::Lora.Generators.Files.ModelConfigReader;

namespace Lora.Runtime.Tests.Models;

/// <summary>
/// The generator (at compile time, LORA0041) and the runtime (when a model loads) read config.json through one reader:
/// each file here is read both ways, and gives the same sizes or the same refusal.
/// </summary>
public class ConfigReaderAgreementTests
{
    const string Llama = """
        "model_type": "llama", "vocab_size": 128, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 172
        """;
    const string Gemma2 = """
        "model_type": "gemma2", "vocab_size": 128, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 172
        """;
    const string Gemma3 = """
        "model_type": "gemma3_text", "vocab_size": 128, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 172
        """;
    const string Gpt2 = """
        "model_type": "gpt2", "vocab_size": 128, "n_embd": 64, "n_layer": 2, "n_head": 4
        """;

    static string Object(string members, string more = "") => "{" + members + (more.Length > 0 ? ", " + more : "") + "}";

    public static TheoryData<string> Fixtures => new()
    {
        "tiny-gpt2", "tiny-llama", "tiny-llama-all-linear-bias", "tiny-llama-dora", "tiny-llama3-rope", "tiny-qwen3", "tiny-phi3-longrope", "tiny-gemma2", "tiny-gemma3",
    };

    public static TheoryData<string> Accepted => new()
    {
        Object(Llama),
        Object(Llama, """ "num_key_value_heads": 2, "head_dim": 32, "max_position_embeddings": 256, "tie_word_embeddings": true """),
        Object(Llama, """ "pad_token_id": null, "eos_token_id": [2, 7], "rope_scaling": null, "rms_norm_eps": 1e-5 """),
        Object(Llama, """ "rope_parameters": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 32} """),
        Object(Llama.Replace("llama", "mistral")),
        Object(Llama.Replace("llama", "qwen2")),
        Object(Llama.Replace("llama", "qwen3"), """ "head_dim": 32 """),
        Object(Llama.Replace("llama", "phi3"), """ "rope_parameters": {"rope_type": "longrope", "short_factor": [1, 1, 1, 1, 1, 1, 1, 1], "long_factor": [2, 2, 2, 2, 2, 2, 2, 2]} """),
        // Qwen2.5's long-context block, transformers 4's way and 5's; dynamic NTK; YaRN with DeepSeek's keys.
        Object(Llama.Replace("llama", "qwen2"), """ "rope_scaling": {"factor": 4.0, "original_max_position_embeddings": 32768, "type": "yarn"}, "use_sliding_window": false, "sliding_window": 32768, "max_window_layers": 21 """),
        Object(Llama.Replace("llama", "qwen2"), """ "rope_parameters": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768, "rope_theta": 1000000.0} """),
        Object(Llama, """ "rope_scaling": {"type": "dynamic", "factor": 2.0} """),
        Object(Llama, """ "rope_parameters": {"rope_type": "yarn", "factor": 40, "mscale": 0.707, "mscale_all_dim": 0.707, "beta_fast": 32, "beta_slow": 1, "truncate": false} """),
        // Phi-4-mini: a partial rotary factor (at the top level, or inside rope_parameters as transformers 5 saves it).
        Object(Llama.Replace("llama", "phi3"), """ "partial_rotary_factor": 0.75 """),
        Object(Llama.Replace("llama", "phi3"), """ "rope_parameters": {"rope_type": "longrope", "partial_rotary_factor": 0.5, "short_factor": [1, 1, 1, 1], "long_factor": [2, 2, 2, 2]}, "sliding_window": 262144 """),
        Object(Llama.Replace("llama", "qwen3"), """ "head_dim": 16, "use_sliding_window": true, "sliding_window": 4096, "max_window_layers": 1, "attention_dropout": 0.0 """),
        Object(Llama.Replace("llama", "mistral"), """ "sliding_window": null """),
        Object(Gpt2),
        Object(Gpt2, """ "n_inner": null, "n_positions": 64, "tie_word_embeddings": false """),
        Object(Gemma2),
        Object(Gemma2, """ "head_dim": 16, "num_key_value_heads": 2, "layer_types": ["sliding_attention", "full_attention"], "final_logit_softcapping": null, "attn_implementation": "eager" """),
        Object(Gemma3),
        // transformers 4's keys (rope_local_base_freq, rope_scaling for the global layers, sliding_window_pattern) and 5's.
        Object(Gemma3, """ "rope_theta": 1000000.0, "rope_local_base_freq": 10000.0, "rope_scaling": {"rope_type": "linear", "factor": 8.0}, "sliding_window_pattern": 6 """),
        Object(Gemma3, """ "rope_parameters": {"full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1000000.0}, "sliding_attention": {"rope_type": "default", "rope_theta": 10000.0}}, "_sliding_window_pattern": 6 """),
    };

    /// <summary>A config.json and a part of the refusal both readers give.</summary>
    public static TheoryData<string, string> Refused => new()
    {
        { Object(""" "hidden_size": 64 """), "key 'model_type' is missing; expected a string" },
        { Object(""" "model_type": 7 """), "key 'model_type' is 7; expected a string" },
        { Object(Llama.Replace("\"hidden_size\": 64, ", "")), "key 'hidden_size' is missing; expected an integer" },
        { Object(Llama.Replace("\"vocab_size\": 128", "\"vocab_size\": \"128\"")), "key 'vocab_size' is \"128\"; expected an integer" },
        { Object(Llama.Replace("\"hidden_size\": 64", "\"hidden_size\": 64.0")), "key 'hidden_size' is 64.0; expected an integer" },
        { Object(Llama.Replace("\"vocab_size\": 128", "\"vocab_size\": 0")), "vocab_size is 0; expected a positive size" },
        { Object(Llama.Replace("\"num_attention_heads\": 4", "\"num_attention_heads\": 5")), "hidden_size 64 is not a multiple of num_attention_heads 5" },
        { Object(Llama, """ "num_key_value_heads": 3 """), "num_attention_heads 4 is not a multiple of num_key_value_heads 3" },
        { Object(Llama.Replace("\"vocab_size\": 128", "\"vocab_size\": 2000000000")), "the embedding (vocab_size × hidden_size) would hold 128,000,000,000 values" },
        { Object(Llama, """ "max_position_embeddings": -1 """), "max_position_embeddings is -1; expected a positive size" },
        { Object(Llama, """ "rms_norm_eps": 0 """), "the norm epsilon is 0; expected a small positive number" },
        { Object(Llama, """ "rope_theta": -1.5 """), "rope_theta is -1.5; expected a positive number" },
        { Object(Llama, """ "tie_word_embeddings": "yes" """), "key 'tie_word_embeddings' is \"yes\"; expected true or false" },
        { Object(Llama, """ "eos_token_id": [2, "x"] """), "key 'eos_token_id' holds \"x\"; expected an integer or a list of integers" },
        { Object(Llama, """ "rope_parameters": "default" """), "key 'rope_parameters' is \"default\"; expected an object" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "proportional", "factor": 4.0} """), "rope type 'proportional' is not supported yet; expected one of default, llama3, longrope, linear, yarn, dynamic" },
        { Object(Llama, """ "rope_scaling": {"type": "mrope", "factor": 2.0} """), "rope type 'mrope' is not supported yet" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "yarn", "original_max_position_embeddings": 32} """), "rope type yarn needs a positive 'factor'" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "yarn", "factor": 4.0, "beta_fast": -1} """), "beta_fast (-1) and beta_slow (1) must be positive" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 0} """), "rope_parameters.original_max_position_embeddings is 0; expected a positive length" },
        { Object(Llama, """ "rope_scaling": {"type": "dynamic"} """), "rope type dynamic needs a positive 'factor'" },
        { Object(Llama, """ "attention_dropout": 0.1 """), "attention_dropout 0.1 is not supported (transformers applies that dropout while training; Lora trains without it); expected 0.0" },
        { Object(Llama.Replace("llama", "phi3"), """ "resid_pdrop": 0.1 """), "resid_pdrop 0.1 is not supported" },
        { Object(Llama.Replace("llama", "phi3"), """ "embd_pdrop": 0.1 """), "embd_pdrop 0.1 is not supported" },
        { Object(Llama.Replace("llama", "phi3"), """ "partial_rotary_factor": 0.4375 """), "partial_rotary_factor 0.4375 rotates 7 of head_dim 16 channels" },
        { Object(Llama.Replace("llama", "phi3"), """ "partial_rotary_factor": 0.1 """), "partial_rotary_factor 0.1 rotates 1 of head_dim 16 channels; expected a factor in (0, 1] that leaves a positive, even count" },
        { Object(Llama.Replace("llama", "qwen2"), """ "layer_types": ["sliding_attention", "full_attention"] """), "layer_types names sliding_attention layers but use_sliding_window is not true" },
        { Object(Llama.Replace("llama", "qwen2"), """ "use_sliding_window": true, "sliding_window": 0, "max_window_layers": 0 """), "sliding_window is 0; expected a positive number of tokens" },
        { Object(Llama.Replace("llama", "mistral"), """ "layer_types": ["sliding_attention", "full_attention"] """), "layer_types differs from what Mistral's sliding_window gives every layer (sliding_attention)" },
        { Object(Gemma2, """ "attention_dropout": 0.5 """), "attention_dropout 0.5 is not supported" },
        { Object(Llama, """ "hidden_act": "quick_gelu" """), "hidden_act 'quick_gelu' is not supported; expected one of silu, swish, gelu, gelu_new, gelu_pytorch_tanh, gelu_fast, relu" },
        { Object(Gemma2, """ "hidden_activation": "gelu_python" """), "hidden_activation 'gelu_python' is not supported" },
        { Object(Gpt2, """ "activation_function": "tanh" """), "activation_function 'tanh' is not supported" },
        { Object(Gpt2, """ "scale_attn_by_inverse_layer_idx": true """), "scale_attn_by_inverse_layer_idx true is not supported; expected false" },
        { Object(Gpt2, """ "scale_attn_weights": false """), "scale_attn_weights false (attention scores not divided by √head_dim) is not supported; expected true" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "llama3", "factor": 8.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 32} """),
          "rope type llama3 needs a positive 'low_freq_factor'" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 4.0, "high_freq_factor": 1.0, "original_max_position_embeddings": 32} """),
          "llama3 rope's high_freq_factor (1) must exceed low_freq_factor (4)" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "llama3", "factor": "8", "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 32} """),
          "key 'rope_parameters.factor' is \"8\"; expected a number" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "longrope", "short_factor": [1, 1], "long_factor": [2, 2, 2, 2, 2, 2, 2, 2]} """),
          "longrope's 'short_factor' has 2 values; expected 8 positive numbers (head_dim / 2, of the rotated channels)" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "longrope", "short_factor": [1, 1, 1, 1, 1, 1, 1, 1]} """), "rope type longrope needs 'long_factor', a list of numbers" },
        { Object(Llama, """ "partial_rotary_factor": 0.5 """), "partial_rotary_factor 0.5 is not supported for this model_type (transformers rotates part of each head only in Phi-3's attention); expected 1.0" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "default", "partial_rotary_factor": 0.5} """), "rope_parameters.partial_rotary_factor 0.5 is not supported for this model_type" },
        { Object(Llama, """ "rope_parameters": {"rope_type": "linear"} """), "rope type linear needs a positive 'factor'" },
        { Object(Gemma2, """ "layer_types": ["sliding_attention"] """), "layer_types has 1 entry; expected one per layer (num_hidden_layers 2)" },
        { Object(Gemma2, """ "layer_types": ["sliding_attention", "chunked_attention"] """), "layer_types[1] is \"chunked_attention\"; expected \"sliding_attention\" or \"full_attention\"" },
        { Object(Gemma2, """ "layer_types": "sliding_attention" """), "key 'layer_types' is \"sliding_attention\"; expected a list of strings" },
        { Object(Gemma2, """ "sliding_window": 0 """), "sliding_window is 0; expected a positive number of tokens for the sliding-window layers" },
        { Object(Gemma2, """ "query_pre_attn_scalar": 0 """), "query_pre_attn_scalar is 0; expected a positive number" },
        { Object(Gemma2, """ "final_logit_softcapping": -30.0 """), "final_logit_softcapping is -30; expected a positive number" },
        { Object(Gemma3, """ "use_bidirectional_attention": true """), "use_bidirectional_attention is true (an embedding model's encoder); expected false or absent" },
        { Object(Gemma3, """ "sliding_window_pattern": 0 """), "sliding_window_pattern is 0; expected a positive count of layers" },
        { Object(Gemma3, """ "rope_parameters": {"sliding_attention": {"rope_type": "proportional", "factor": 4.0}} """), "rope type 'proportional' is not supported yet" },
        { Object(Gpt2.Replace("\"n_head\": 4", "\"n_head\": 7")), "n_embd 64 is not a multiple of n_head 7" },
        { Object(Gpt2.Replace("\"n_head\": 4", "\"n_head\": 0")), "n_head is 0; expected a positive count" },
        { Object(Gpt2, """ "n_positions": 0 """), "n_positions is 0; expected a positive size" },
        { Object(Gpt2, """ "n_inner": 3000000000 """), "key 'n_inner' is 3000000000; expected an integer" },
    };

    static (ModelConfig? Runtime, string? RuntimeError, gen::Lora.Generators.Files.ModelConfigFile Generator) ReadBothWays(string json)
    {
        var generator = GeneratorConfigReader.Read(json);
        try { return (ModelConfig.Parse((JsonObject)JsonNode.Parse(json)!), null, generator); }
        catch (ModelLoadException e) { return (null, e.Message, generator); }
    }

    static void AssertSameSizes(string json)
    {
        var (runtime, error, generator) = ReadBothWays(json);
        Assert.Null(error);
        Assert.Null(generator.Error);
        Assert.Equal(runtime!.Dimensions.ToString(), generator.Dimensions!.ToString());
    }

    [Theory]
    [MemberData(nameof(Accepted))]
    public void An_accepted_file_gives_both_the_same_sizes(string json) => AssertSameSizes(json);

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void Every_fixture_model_gives_both_the_same_sizes(string name)
    {
        var path = Directory.Exists(Path.Combine(RepoPaths.FixturesRoot, name))
            ? RepoPaths.Fixture(name, "base", "config.json")
            : RepoPaths.H200Fixture(name, "base", "config.json");
        AssertSameSizes(File.ReadAllText(path));
    }

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_refused_file_is_refused_by_both_with_the_same_reason(string json, string reason)
    {
        var (_, error, generator) = ReadBothWays(json);
        Assert.Equal("config.json: " + generator.Error + ".", error);
        Assert.Contains(reason, generator.Error);
    }

    /// <summary>A valid setting Lora does not implement: LORA0056 at compile time (not LORA0041), refused by the runtime alike.</summary>
    [Theory]
    [InlineData(""" "attention_dropout": 0.1 """, true)]
    [InlineData(""" "rope_parameters": {"rope_type": "proportional"} """, true)]
    [InlineData(""" "partial_rotary_factor": 0.5 """, true)]
    [InlineData(""" "hidden_act": "quick_gelu" """, true)]
    [InlineData(""" "rope_parameters": {"rope_type": "yarn"} """, false)]
    public void A_setting_Lora_does_not_implement_is_told_from_a_broken_file(string members, bool unsupported)
    {
        var (_, error, generator) = ReadBothWays(Object(Llama, members));
        Assert.NotNull(error);
        Assert.Equal(unsupported, generator.Unsupported);
    }

    [Theory]
    [InlineData("falcon", "")]
    [InlineData("gemma3", " (gemma3 is Gemma 3's image-and-text model, its text model's config inside text_config; Lora trains the text model alone, model_type gemma3_text, as Gemma 3 1B ships it or as transformers saves Gemma3ForCausalLM)")]
    public void An_unsupported_model_type_is_refused_by_the_runtime_and_named_to_the_generator(string modelType, string instead)
    {
        var (_, error, generator) = ReadBothWays(Object(Llama.Replace("llama", modelType)));
        Assert.Equal($"config.json: model_type '{modelType}' is not supported; expected one of gpt2, llama, mistral, qwen2, qwen3, phi3, gemma2, gemma3_text{instead}.", error);
        Assert.Equal(modelType, generator.ModelType);   // reported as LORA0042, with the same advice
        Assert.Null(generator.Error);
    }

    [Fact]
    public void Absent_keys_take_the_family_defaults_of_transformers()
    {
        var gpt2 = ModelConfig.Parse((JsonObject)JsonNode.Parse(Object(Gpt2))!);
        Assert.Equal((1024, 256, true, 1e-5, "gelu_new"), (gpt2.MaxPositions, gpt2.IntermediateSize, gpt2.TieWordEmbeddings, gpt2.NormEpsilon, gpt2.HiddenAct));
        // Qwen3Config's head_dim is 128 whatever the width; MistralConfig's window 4096 (its every layer slides); the others have none.
        foreach (var (type, positions, epsilon, headDim, window) in new[] { ("llama", 2048, 1e-6, 16, (int?)null), ("mistral", 131072, 1e-6, 16, 4096), ("qwen2", 32768, 1e-6, 16, null),
                     ("qwen3", 32768, 1e-6, 128, null), ("phi3", 4096, 1e-5, 16, null) })
        {
            var config = ModelConfig.Parse((JsonObject)JsonNode.Parse(Object(Llama.Replace("llama", type)))!);
            Assert.Equal((positions, epsilon, false, 4, headDim, 10000.0, headDim, window),
                (config.MaxPositions, config.NormEpsilon, config.TieWordEmbeddings, config.NumKeyValueHeads, config.HeadDim, config.RopeTheta, config.RotaryDim, config.SlidingWindow));
        }

        // Gemma2Config and Gemma3TextConfig: head_dim 256 and 4 key/value heads whatever the width, tied, GELU-tanh, a window of
        // 4096; Gemma 2 soft-caps the logits at 30 (its attention cap of 50 only with eager attention); Gemma 3 has two rope bases.
        var gemma2 = ModelConfig.Parse((JsonObject)JsonNode.Parse(Object(Gemma2))!);
        Assert.Equal((8192, 1e-6, true, 4, 256, 10000.0, "gelu_pytorch_tanh"),
            (gemma2.MaxPositions, gemma2.NormEpsilon, gemma2.TieWordEmbeddings, gemma2.NumKeyValueHeads, gemma2.HeadDim, gemma2.RopeTheta, gemma2.HiddenAct));
        Assert.Equal((1 / 16.0, 30.0, (double?)null, 4096, 10000.0), (gemma2.AttentionScale, gemma2.FinalLogitSoftcapping, gemma2.AttnLogitSoftcapping, gemma2.SlidingWindow, gemma2.LocalRopeTheta));
        Assert.Equal([true, false], gemma2.SlidingLayers);
        var eager = ModelConfig.Parse((JsonObject)JsonNode.Parse(Object(Gemma2, """ "attn_implementation": "eager" """))!);
        Assert.Equal(50.0, eager.AttnLogitSoftcapping);
        var gemma3 = ModelConfig.Parse((JsonObject)JsonNode.Parse(Object(Gemma3))!);
        Assert.Equal((131072, true, 4, 256, 1000000.0, 10000.0, 1 / 16.0), (gemma3.MaxPositions, gemma3.TieWordEmbeddings, gemma3.NumKeyValueHeads, gemma3.HeadDim, gemma3.RopeTheta, gemma3.LocalRopeTheta, gemma3.AttentionScale));
        Assert.Equal(((double?)null, (double?)null, true), (gemma3.FinalLogitSoftcapping, gemma3.AttnLogitSoftcapping, gemma3.QkNorm));
        Assert.Equal([true, true], gemma3.SlidingLayers);   // layers 1-5 of every 6 slide
    }
}
