using System.Text.Json.Nodes;
using Lora.Runtime.Adapters;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Safetensors;
using Lora.Runtime.Tensors;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Models;

/// <summary>Mistral, Qwen2 and Phi-3 built from small configs: they load, run, and merge.</summary>
public class ModelFamilyTests
{
    [Theory]
    [InlineData("mistral")]
    [InlineData("qwen2")]
    [InlineData("phi3")]
    [InlineData("llama")]
    public void Family_loads_runs_and_merges(string modelType)
    {
        using var dir = new TempFolder();
        var folder = SmallModels.SaveRandom(dir, modelType, SmallModels.LlamaConfig(modelType));
        using var model = ModelLoader.Load(folder);
        var ids = SmallModels.Ids();
        using var _ = no_grad();
        var baseLogits = model.Forward(ids);
        Assert.Equal(new long[] { 2, 10, 96 }, baseLogits.shape);
        Assert.True(baseLogits.isfinite().all().item<bool>());

        var targets = modelType == "phi3" ? new[] { "qkv_proj", "gate_up_proj" } : new[] { "q_proj", "v_proj", "up_proj" };
        var adapted = LoraAdapters.Attach(model, "default", new LoraConfig { Rank = 4, Alpha = 8, TargetModules = targets });
        Assert.Equal(2 * targets.Length, adapted.Count);
        foreach (var (_, b) in LoraAdapters.Parameters(model, "default").Where(p => p.PeftName.Contains("lora_B")))
            b.copy_(0.05 * randn_like(b));
        var adapterLogits = model.Forward(ids);
        Assert.True(Tolerance.RelativeError(adapterLogits, baseLogits) > 1e-3, "the adapter changes nothing");

        LoraMerge.Merge(model, "default");
        var merged = dir.Child("merged");
        HfModelWriter.Save(model, merged, ScalarType.Float32, folder);
        using var reloaded = ModelLoader.Load(merged);
        Tolerance.Close(reloaded.Forward(ids), adapterLogits, Tolerance.Logits, $"{modelType} merged and reloaded");
    }

    [Fact]
    public void Phi3_fused_projections_equal_separate_llama_projections()
    {
        using var llama = SmallModels.Random(SmallModels.LlamaConfig("llama"));
        using var phi3 = ModelLoader.Create(ModelConfig.Parse(SmallModels.LlamaConfig("phi3")));
        var source = llama.BaseParameters().ToDictionary(p => p.Key, p => (Tensor)p.Value);
        using (no_grad())
            foreach (var (key, p) in phi3.BaseParameters())
            {
                Tensor value = key switch
                {
                    _ when key.EndsWith("qkv_proj.weight") => cat([source[key.Replace("qkv_proj", "q_proj")], source[key.Replace("qkv_proj", "k_proj")], source[key.Replace("qkv_proj", "v_proj")]]),
                    _ when key.EndsWith("gate_up_proj.weight") => cat([source[key.Replace("gate_up_proj", "gate_proj")], source[key.Replace("gate_up_proj", "up_proj")]]),
                    _ => source[key],
                };
                p.copy_(value);
            }
        var ids = SmallModels.Ids();
        using var _ = no_grad();
        Tolerance.Close(phi3.Forward(ids), llama.Forward(ids), 1e-6, "phi3 fused vs llama separate");
    }

    [Fact]
    public void Qwen2_loads_and_uses_qkv_biases()
    {
        var config = SmallModels.LlamaConfig("qwen2");
        using var model = SmallModels.Random(config);
        var keys = model.BaseParameters().Select(p => p.Key).ToHashSet();
        Assert.Contains("model.layers.0.self_attn.q_proj.bias", keys);
        Assert.Contains("model.layers.0.self_attn.v_proj.bias", keys);
        Assert.DoesNotContain("model.layers.0.self_attn.o_proj.bias", keys);
        var ids = SmallModels.Ids();
        using var _ = no_grad();
        var withBias = model.Forward(ids);
        foreach (var (key, p) in model.BaseParameters().Where(p => p.Key.EndsWith("proj.bias"))) p.zero_();
        Assert.True(Tolerance.RelativeError(model.Forward(ids), withBias) > 1e-4, "biases have no effect");
    }

    [Fact]
    public void Tied_embeddings_have_no_lm_head_and_use_the_embedding()
    {
        using var dir = new TempFolder();
        var folder = SmallModels.SaveRandom(dir, "tied", SmallModels.LlamaConfig(tie: true));
        using var file = SafetensorsFile.Open(Path.Combine(folder, "model.safetensors"));
        Assert.False(file.TryGet("lm_head.weight", out _));
        using var model = ModelLoader.Load(folder);
        var ids = SmallModels.Ids();
        using var noGrad = no_grad();
        var hidden = model.Hidden(ids, null, null, null, out var context);
        var embed = model.BaseParameters().Single(p => p.Key == "model.embed_tokens.weight").Value;
        Tolerance.Close(model.Forward(ids), hidden.matmul(embed.t()), 1e-6, "tied head");
    }

    [Fact]
    public void Rope_theta_is_read_at_top_level_and_under_rope_parameters()
    {
        var top = ModelConfig.Parse(SmallModels.LlamaConfig());
        Assert.Equal(500000.0, top.RopeTheta);
        var nested = SmallModels.LlamaConfig();
        nested.Remove("rope_theta");
        nested["rope_parameters"] = new JsonObject { ["rope_theta"] = 1234.0, ["rope_type"] = "default" };
        Assert.Equal(1234.0, ModelConfig.Parse(nested).RopeTheta);
        Assert.Equal(10000.0, ModelConfig.Load(RepoPaths.Fixture("tiny-llama", "base", "config.json")).RopeTheta);

        // A different theta must change the logits: the value is really used.
        using var a = SmallModels.Random(SmallModels.LlamaConfig());
        using var b = SmallModels.Random(nested);
        var ids = SmallModels.Ids();
        using var _ = no_grad();
        Assert.True(Tolerance.RelativeError(a.Forward(ids), b.Forward(ids)) > 1e-4);
    }

    [Fact]
    public void Unknown_model_type_lists_the_supported_ones()
    {
        var config = SmallModels.LlamaConfig("falcon");
        var e = Assert.Throws<ModelLoadException>(() => ModelConfig.Parse(config, "models/x/config.json"));
        Assert.Contains("models/x/config.json", e.Message);
        Assert.Contains("'falcon'", e.Message);
        Assert.Contains("gpt2, llama, mistral, qwen2, qwen3, phi3, gemma2, gemma3_text", e.Message);
    }

    [Fact]
    public void Missing_and_extra_tensors_are_one_error_listing_both()
    {
        using var dir = new TempFolder();
        using (var model = SmallModels.Random(SmallModels.LlamaConfig()))
        {
            var tensors = model.BaseParameters().Where(p => p.Key != "model.layers.1.mlp.down_proj.weight")
                .Select(p => (p.Key, (Tensor)p.Value)).Append(("model.layers.9.extra.weight", zeros(2)));
            Directory.CreateDirectory(dir.Child("m"));
            TensorFiles.Write(dir.Child("m", "model.safetensors"), tensors);
            File.WriteAllText(dir.Child("m", "config.json"), SmallModels.LlamaConfig().ToJsonString());
        }
        var e = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(dir.Child("m")));
        Assert.Contains("Missing 1 tensor(s): model.layers.1.mlp.down_proj.weight", e.Message);
        Assert.Contains("Unexpected 1 tensor(s): model.layers.9.extra.weight", e.Message);
        Assert.Contains("Expected", e.Message);
    }

    [Fact]
    public void Wrong_shape_names_the_tensor_and_both_shapes()
    {
        using var dir = new TempFolder();
        var folder = SmallModels.SaveRandom(dir, "m", SmallModels.LlamaConfig());
        var bigger = SmallModels.LlamaConfig();
        bigger["intermediate_size"] = 64;
        File.WriteAllText(Path.Combine(folder, "config.json"), bigger.ToJsonString());
        var e = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(folder));
        Assert.Contains("model.layers.0.mlp.gate_proj.weight: file has [48, 32], model expects [64, 32]", e.Message);
    }
}
