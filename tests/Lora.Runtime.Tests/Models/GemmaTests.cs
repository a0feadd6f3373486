using System.Text.Json.Nodes;
using Lora.Runtime.Adapters;
using Lora.Runtime.Generation;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Quantization;
using Lora.Runtime.Tests.Parity;
using Lora.Runtime.Tests.Training;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Models;

/// <summary>
/// Gemma 2 and Gemma 3's text model load, run, generate, train, merge and save, in full precision and over a 4-bit base; their
/// soft-capping and rope bases each change what they should and nothing else. Parity with transformers: the tiny-gemma2
/// and tiny-gemma3 fixtures in every parity test (../Parity).
/// </summary>
public class GemmaTests
{
    public GemmaTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    [Theory]
    [InlineData("tiny-gemma2", false)]
    [InlineData("tiny-gemma3", false)]
    [InlineData("tiny-gemma2", true)]
    [InlineData("tiny-gemma3", true)]
    public void Gemma_loads_runs_generates_trains_merges_and_saves(string name, bool qlora)
    {
        var fx = new PeftFixture(name);
        using var dir = new TempFolder();
        using var model = ModelLoader.Load(fx.BaseDir, ScalarType.Float32, qlora ? new QuantizationOptions(Lora.QuantType.NF4, DoubleQuant: true) : null);
        Assert.IsType<GemmaModel>(model);
        if (qlora) Assert.All(model.Projections(), p => Assert.NotNull(p.Layer.Quantized));
        manual_seed(1);
        var adapted = LoraAdapters.Attach(model, "default", new LoraConfig { Rank = 4, Alpha = 8, TargetModules = [Lora.ModelFamilies.AllLinear] });
        Assert.Equal(7 * model.NumLayers, adapted.Count);   // q, k, v, o, gate, up and down of every layer; the tied head is no module
        var ids = fx["input_ids"];

        using (var trainer = new LoraTrainer(model, "default", TestTrainingOptions.AdamW(3e-2, 8) with { Schedule = Lora.LrSchedule.Constant }))
        {
            var losses = Enumerable.Range(0, 8).Select(_ => trainer.Step([TrainingBatch.LanguageModeling(ids)]).MicroLosses.item<float>()).ToList();
            Assert.True(losses[^1] < losses[0] * 0.98, $"{name}: loss {losses[0]} → {losses[^1]}");
        }
        model.eval();

        // 6 prompt tokens and 8 new ones: the window of 8 cuts in while the cache grows.
        var prompt = ids.narrow(0, 0, 1).narrow(1, 0, 6);
        var generated = TextGenerator.Generate(model, prompt, null, new SamplingOptions { MaxNewTokens = 8, EosTokenIds = [] });
        Assert.Equal(SmallModels.GreedyWithoutCache(model, prompt, 8), generated.data<long>().ToArray());

        using var _ = no_grad();
        var adapterLogits = model.Forward(ids);
        LoraMerge.Merge(model, "default");
        Tolerance.Close(model.Forward(ids), adapterLogits, Tolerance.Logits, $"{name} merged");
        HfModelWriter.Save(model, dir.Child("merged"), ScalarType.Float32, fx.BaseDir);
        using var reloaded = ModelLoader.Load(dir.Child("merged"));
        Assert.IsType<GemmaModel>(reloaded);
        Tolerance.Close(reloaded.Forward(ids), adapterLogits, Tolerance.Logits, $"{name} merged, saved and reloaded");
    }

    [Theory]
    [InlineData("gemma2")]
    [InlineData("gemma3_text")]
    public void A_cached_forward_through_a_window_shorter_than_the_sequence_equals_the_full_forward(string modelType)
    {
        // Window 4, 10 tokens fed as 3 + 1 + 6: the window cuts within the cache, within the new tokens, and across both.
        using var model = SmallModels.Random(SmallModels.GemmaConfig(modelType));
        var ids = SmallModels.Ids(length: 10);
        using var _ = no_grad();
        var full = model.Forward(ids);
        using var cache = new KvCache(model.NumLayers);
        var parts = new[] { (0, 3), (3, 1), (4, 6) }.Select(p => model.Forward(ids.narrow(1, p.Item1, p.Item2), cache: cache)).ToList();
        Tolerance.Close(cat(parts, 1), full, Tolerance.Logits, $"{modelType} cached forward");
    }

    [Fact]
    public void The_window_changes_the_logits_only_past_its_length()
    {
        var config = SmallModels.GemmaConfig();
        using var windowed = SmallModels.Random(config);
        using var unwindowed = SmallModels.Random(SmallModels.With(config, ("sliding_window", 64)));
        var ids = SmallModels.Ids(length: 10);
        using var _ = no_grad();
        var (a, b) = (windowed.Forward(ids), unwindowed.Forward(ids));
        Tolerance.Close(a.narrow(1, 0, 4), b.narrow(1, 0, 4), 1e-6, "positions within the window");
        Assert.True(Tolerance.RelativeError(a.narrow(1, 4, 6), b.narrow(1, 4, 6)) > 1e-3, "the window changes nothing past its length");
    }

    [Fact]
    public void Gemma2_caps_attention_scores_only_with_an_attention_implementation_that_does()
    {
        // transformers' default attention (SDPA) leaves attn_logit_softcapping out; its eager attention applies it.
        var config = SmallModels.With(SmallModels.GemmaConfig("gemma2"), ("attn_logit_softcapping", 0.05));
        var eager = SmallModels.With(config, ("attn_implementation", "eager"));
        Assert.Null(ModelConfig.Parse(config).AttnLogitSoftcapping);
        Assert.Null(ModelConfig.Parse(SmallModels.With(config, ("attn_implementation", "sdpa"))).AttnLogitSoftcapping);
        Assert.Equal(0.05, ModelConfig.Parse(eager).AttnLogitSoftcapping);
        using var plain = SmallModels.Random(config);
        using var capped = SmallModels.Random(eager);
        using var uncappedEager = SmallModels.Random(SmallModels.With(eager, ("attn_logit_softcapping", null)));
        var ids = SmallModels.Ids();
        using var _ = no_grad();
        Assert.True(Tolerance.RelativeError(capped.Forward(ids), plain.Forward(ids)) > 1e-3, "the cap changes nothing");
        Tolerance.Close(uncappedEager.Forward(ids), plain.Forward(ids), 1e-6, "eager without a cap against SDPA");
    }

    [Fact]
    public void Gemma2_logits_are_soft_capped()
    {
        var config = SmallModels.GemmaConfig("gemma2");   // final_logit_softcapping 3
        using var capped = SmallModels.Random(config);
        using var uncapped = SmallModels.Random(SmallModels.With(config, ("final_logit_softcapping", null)));
        var ids = SmallModels.Ids();
        using var _ = no_grad();
        var (logits, raw) = (capped.Forward(ids), uncapped.Forward(ids));
        Assert.True(raw.abs().max().item<float>() > 3, "the logits never reach the cap: the check would be vacuous");
        Tolerance.Close(logits, (raw / 3.0).tanh() * 3.0, 1e-6, "3·tanh(logits / 3)");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_fused_loss_through_a_soft_capped_head_equals_the_loss_of_the_capped_logits(bool gradientCheckpointing)
    {
        // tiny-gemma2's head is the frozen embedding, so Loss takes the chunked head-and-loss path, which caps each slice.
        var fx = new PeftFixture("tiny-gemma2");
        using var model = ModelLoader.Load(fx.BaseDir);
        PeftAdapter.Load(model, fx.AdapterDir);
        model.GradientCheckpointing = gradientCheckpointing;
        model.train();
        var parameters = LoraAdapters.Parameters(model, "default");
        foreach (var (_, p) in parameters) p.requires_grad = true;
        var ids = fx["input_ids"];
        var labels = ids.clone();
        labels[TensorIndex.Colon, TensorIndex.Slice(0, 4)] = tensor(CausalLmLoss.IgnoreIndex);

        var fused = model.Loss(ids, labels);
        fused.backward();
        var fusedGrads = parameters.ToDictionary(p => p.PeftName, p => p.Value.grad!.clone());
        foreach (var (_, p) in parameters) p.grad!.zero_();
        var plain = CausalLmLoss.Compute(model.Forward(ids), labels);
        plain.backward();

        Tolerance.Close(fused.reshape(1), fx["train_loss"], Tolerance.Loss, "fused loss against transformers");
        Tolerance.Close(fused, plain, 1e-6, "fused against plain loss");
        foreach (var (peftName, p) in parameters)
        {
            Tolerance.Close(fusedGrads[peftName], p.grad!, 1e-5, $"fused against plain gradient of {peftName}");
            Tolerance.Close(fusedGrads[peftName], fx["grad." + peftName], Tolerance.Gradients, $"fused gradient of {peftName} against PEFT");
        }
        using var _ = no_grad();
        Tolerance.Close(model.Loss(ids, labels), plain, 1e-6, "evaluation loss");
    }

    [Fact]
    public void Gemma3_sliding_layers_rotate_by_the_local_base_and_global_layers_by_rope_theta()
    {
        var mixed = SmallModels.GemmaConfig();   // a sliding layer, then a global one
        var parsed = ModelConfig.Parse(mixed);
        Assert.Equal((1000000.0, 10000.0), (parsed.RopeTheta, parsed.LocalRopeTheta));
        var globalOnly = SmallModels.With(mixed, ("layer_types", new JsonArray("full_attention", "full_attention")));
        var slidingOnly = SmallModels.With(mixed, ("layer_types", new JsonArray("sliding_attention", "sliding_attention")));
        var ids = SmallModels.Ids();

        bool Changes(JsonObject config, string key, JsonNode value)
        {
            using var a = SmallModels.Random(config);
            using var b = SmallModels.Random(SmallModels.With(config, (key, value)));
            using var _ = no_grad();
            return !a.Forward(ids).eq(b.Forward(ids)).all().item<bool>();
        }

        Assert.True(Changes(mixed, "rope_local_base_freq", 500.0));
        Assert.False(Changes(globalOnly, "rope_local_base_freq", 500.0));
        Assert.True(Changes(globalOnly, "rope_theta", 500.0));
        Assert.False(Changes(slidingOnly, "rope_theta", 500.0));
        // Older files' rope_scaling is the global layers' (transformers 5 moves it to rope_parameters.full_attention).
        var linear = new JsonObject { ["rope_type"] = "linear", ["factor"] = 8.0 };
        Assert.True(Changes(globalOnly, "rope_scaling", linear));
        Assert.False(Changes(slidingOnly, "rope_scaling", linear.DeepClone()));
    }

    [Fact]
    public void Gemma3_reads_the_rope_of_transformers_4_and_5_files_alike()
    {
        var old = SmallModels.With(SmallModels.GemmaConfig(), ("rope_scaling", new JsonObject { ["rope_type"] = "linear", ["factor"] = 8.0 }));
        var current = SmallModels.GemmaConfig();
        current.Remove("rope_theta");
        current.Remove("rope_local_base_freq");
        current["rope_parameters"] = new JsonObject
        {
            ["full_attention"] = new JsonObject { ["rope_type"] = "linear", ["factor"] = 8.0, ["rope_theta"] = 1000000.0 },
            ["sliding_attention"] = new JsonObject { ["rope_type"] = "default", ["rope_theta"] = 10000.0 },
        };
        var (a, b) = (ModelConfig.Parse(old), ModelConfig.Parse(current));
        Assert.Equal((a.RopeTheta, a.RopeScaling, a.LocalRopeTheta, a.LocalRopeScaling), (b.RopeTheta, b.RopeScaling, b.LocalRopeTheta, b.LocalRopeScaling));
        Assert.Equal(new Lora.RopeScaling("linear", 8.0, 0, 0, 0), b.RopeScaling);
        Assert.Null(b.LocalRopeScaling);
    }

    [Fact]
    public void Layer_types_default_to_each_family_pattern()
    {
        JsonObject Without(string modelType, int layers, params (string, JsonNode?)[] more)
        {
            var config = SmallModels.With(SmallModels.GemmaConfig(modelType), [("num_hidden_layers", layers), .. more]);
            config.Remove("layer_types");
            return config;
        }

        // Gemma2Config: even layers slide. Gemma3TextConfig: every sixth layer is global (sliding_window_pattern 6).
        Assert.Equal([true, false, true, false], ModelConfig.Parse(Without("gemma2", 4)).SlidingLayers);
        Assert.Equal([true, true, true, true, true, false, true], ModelConfig.Parse(Without("gemma3_text", 7)).SlidingLayers);
        Assert.Equal([true, false, true], ModelConfig.Parse(Without("gemma3_text", 3, ("sliding_window_pattern", 2))).SlidingLayers);
        Assert.Equal([true, false, true], ModelConfig.Parse(Without("gemma3_text", 3, ("_sliding_window_pattern", 2))).SlidingLayers);
        var allGlobal = ModelConfig.Parse(SmallModels.With(SmallModels.GemmaConfig(), ("layer_types", new JsonArray("full_attention", "full_attention"))));
        Assert.Null(allGlobal.SlidingWindow);
    }
}
