using System.Text.Json.Nodes;
using Lora.Runtime.Adapters;
using Lora.Runtime.Generation;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Tests.Parity;
using Lora.Runtime.Tests.Training;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Models;

/// <summary>
/// Every family and RoPE variant of today's small models (issue 17), each as a small random model saved the way Hugging Face
/// saves it: it loads, trains (the loss falls), generates with the KV cache what a cacheless greedy loop gives, merges
/// into the logits the adapter gave, and saves a model that reloads to the same logits. Sequences of 40 tokens reach past
/// each long-context rule's original context (16 or 32) and past every sliding window (4).
/// </summary>
public class FamilyEndToEndTests
{
    public FamilyEndToEndTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    static JsonArray Numbers(params double[] values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    /// <summary>The families by the model each stands for, shrunk to 2 layers of width 32 (head_dim 8 unless said).</summary>
    public static JsonObject Config(string name) => name switch
    {
        "llama-3.2" => SmallModels.With(SmallModels.LlamaConfig(), ("rope_parameters", new JsonObject
        {
            ["rope_type"] = "llama3", ["factor"] = 8.0, ["low_freq_factor"] = 1.0, ["high_freq_factor"] = 4.0, ["original_max_position_embeddings"] = 16, ["rope_theta"] = 500000.0,
        })),
        "smollm2" => SmallModels.With(SmallModels.LlamaConfig(tie: true), ("rope_theta", 10000.0)),
        // Qwen2.5's long-context block as its model card gives it (factor 4 over the original context), saved the
        // transformers 4 way, with Qwen2.5's unused window keys.
        "qwen2.5-yarn" => SmallModels.With(SmallModels.LlamaConfig("qwen2", tie: true), ("rope_theta", 1000000.0), ("use_sliding_window", false), ("sliding_window", 32768),
            ("max_window_layers", 21), ("rope_scaling", new JsonObject { ["factor"] = 4.0, ["original_max_position_embeddings"] = 16, ["type"] = "yarn" })),
        "qwen2-sliding" => SmallModels.With(SmallModels.LlamaConfig("qwen2"), ("use_sliding_window", true), ("sliding_window", 4), ("max_window_layers", 1)),
        "qwen3" => SmallModels.With(SmallModels.LlamaConfig("qwen3", tie: true), ("head_dim", 16)),
        "mistral-sliding" => SmallModels.With(SmallModels.LlamaConfig("mistral"), ("sliding_window", 4)),
        "gemma2" => SmallModels.GemmaConfig("gemma2"),
        "gemma3" => SmallModels.GemmaConfig("gemma3_text"),
        "phi3.5-longrope" => SmallModels.With(SmallModels.LlamaConfig("phi3"), ("original_max_position_embeddings", 32), ("sliding_window", 262144), ("rope_scaling", new JsonObject
        {
            ["type"] = "longrope", ["short_factor"] = Numbers(1.0, 1.1, 1.3, 1.6), ["long_factor"] = Numbers(1.5, 2.5, 4.0, 7.0),
        })),
        // Phi-4-mini: three quarters of each head rotate (here half of head_dim 16), tied embeddings.
        "phi4-mini-partial" => SmallModels.With(SmallModels.LlamaConfig("phi3", tie: true), ("num_attention_heads", 2), ("num_key_value_heads", 1), ("partial_rotary_factor", 0.5)),
        "llama-dynamic" => SmallModels.With(SmallModels.LlamaConfig(), ("max_position_embeddings", 32), ("rope_scaling", new JsonObject { ["type"] = "dynamic", ["factor"] = 2.0 })),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> Families => new()
    {
        "llama-3.2", "smollm2", "qwen2.5-yarn", "qwen2-sliding", "qwen3", "mistral-sliding", "gemma2", "gemma3", "phi3.5-longrope", "phi4-mini-partial", "llama-dynamic",
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void Family_loads_trains_generates_merges_and_saves(string name)
    {
        using var dir = new TempFolder();
        var folder = SmallModels.SaveRandom(dir, name, Config(name));
        using var model = ModelLoader.Load(folder);
        manual_seed(1);
        var adapted = LoraAdapters.Attach(model, "default", new LoraConfig { Rank = 4, Alpha = 8, TargetModules = [Lora.ModelFamilies.AllLinear] });
        Assert.NotEmpty(adapted);
        var ids = SmallModels.Ids(length: 40);

        using (var trainer = new LoraTrainer(model, "default", TestTrainingOptions.AdamW(3e-2, 6) with { Schedule = Lora.LrSchedule.Constant }))
        {
            var losses = Enumerable.Range(0, 6).Select(_ => trainer.Step([TrainingBatch.LanguageModeling(ids)]).MicroLosses.item<float>()).ToList();
            Assert.True(losses.All(float.IsFinite) && losses[^1] < losses[0] * 0.98, $"{name}: loss {losses[0]} → {losses[^1]}");
        }
        model.eval();

        // 6 prompt tokens and 12 new ones: past every window and past yarn's and llama3's original 16, within the original
        // context of the rules whose frequencies follow the length (longrope, dynamic), where a cache keeps older ones.
        var prompt = ids.narrow(0, 0, 1).narrow(1, 0, 6);
        var generated = TextGenerator.Generate(model, prompt, null, new SamplingOptions { MaxNewTokens = 12, EosTokenIds = [] });
        Assert.Equal(SmallModels.GreedyWithoutCache(model, prompt, 12), generated.data<long>().ToArray());

        using var _ = no_grad();
        var adapterLogits = model.Forward(ids);
        LoraMerge.Merge(model, "default");
        Tolerance.Close(model.Forward(ids), adapterLogits, Tolerance.Logits, $"{name} merged");
        HfModelWriter.Save(model, dir.Child("merged"), ScalarType.Float32, folder);
        using var reloaded = ModelLoader.Load(dir.Child("merged"));
        Assert.Equal(model.GetType(), reloaded.GetType());
        Assert.Equal((model.Config.RopeScaling?.Type, model.Config.RotaryDim, model.Config.SlidingWindow), (reloaded.Config.RopeScaling?.Type, reloaded.Config.RotaryDim, reloaded.Config.SlidingWindow));
        Tolerance.Close(reloaded.Forward(ids), adapterLogits, Tolerance.Logits, $"{name} merged, saved and reloaded");
    }

    [Theory]
    [InlineData("qwen2.5-yarn", "yarn", null)]
    [InlineData("llama-dynamic", "dynamic", null)]
    [InlineData("phi3.5-longrope", "longrope", 262144)]
    [InlineData("qwen2-sliding", null, 4)]
    [InlineData("mistral-sliding", null, 4)]
    public void Each_config_knob_is_read(string name, string? ropeType, int? window)
    {
        var config = ModelConfig.Parse(Config(name));
        Assert.Equal(ropeType, config.RopeScaling?.Type);
        Assert.Equal(window, config.SlidingWindow);
    }

    [Fact]
    public void Qwen2_slides_only_the_layers_from_max_window_layers_on_and_mistral_every_layer()
    {
        Assert.Equal([false, true], ModelConfig.Parse(Config("qwen2-sliding")).SlidingLayers);
        Assert.Equal([true, true], ModelConfig.Parse(Config("mistral-sliding")).SlidingLayers);
        // Qwen2.5's own keys: a window that use_sliding_window false switches off.
        Assert.Empty(ModelConfig.Parse(Config("qwen2.5-yarn")).SlidingLayers);
        // transformers 5's layer_types win over max_window_layers.
        var typed = SmallModels.With(Config("qwen2-sliding"), ("layer_types", new JsonArray("sliding_attention", "full_attention")));
        Assert.Equal([true, false], ModelConfig.Parse(typed).SlidingLayers);
        // MistralConfig's window when the key is absent is 4096; null is none.
        var mistral = SmallModels.LlamaConfig("mistral");
        Assert.Equal(4096, ModelConfig.Parse(mistral).SlidingWindow);
        Assert.Null(ModelConfig.Parse(SmallModels.With(mistral, ("sliding_window", null))).SlidingWindow);
    }

    [Theory]
    [InlineData("qwen2-sliding")]
    [InlineData("mistral-sliding")]
    [InlineData("phi3.5-longrope")]
    public void A_sliding_window_changes_the_logits_only_past_its_length(string name)
    {
        // The same weights with and without the window: equal over the window's first tokens, different after.
        var windowed = Config(name);
        if (name == "phi3.5-longrope") windowed["sliding_window"] = 4;
        var open = (JsonObject)windowed.DeepClone();
        open["sliding_window"] = null;
        open["use_sliding_window"] = false;
        using var a = SmallModels.Random(windowed);
        using var b = SmallModels.Random(open);
        var ids = SmallModels.Ids(length: 12);
        using var _ = no_grad();
        var (slid, full) = (a.Forward(ids), b.Forward(ids));
        Tolerance.Close(slid.narrow(1, 0, 4), full.narrow(1, 0, 4), 1e-6, $"{name} within the window");
        Assert.True(Tolerance.RelativeError(slid.narrow(1, 4, 8), full.narrow(1, 4, 8)) > 1e-4, $"{name}: the window changes nothing");
    }
}
