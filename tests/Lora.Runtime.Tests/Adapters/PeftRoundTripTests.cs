using System.Text.Json.Nodes;
using Lora.Runtime.Adapters;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Safetensors;
using Lora.Runtime.Tensors;
using Lora.Runtime.Tests.Models;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Adapters;

public class PeftRoundTripTests
{
    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Written_adapter_has_the_fixture_names_shapes_and_config_keys(string name)
    {
        var fx = new PeftFixture(name);
        var reference = PeftAdapterConfig.Read(Path.Combine(fx.AdapterDir, PeftAdapterConfig.FileName));
        using var model = ModelLoader.Load(fx.BaseDir);
        LoraAdapters.Attach(model, "default", reference with { });
        using var dir = new TempFolder();
        PeftAdapter.Save(model, "default", reference, dir.Child("adapter"));

        using var ours = SafetensorsFile.Open(dir.Child("adapter", PeftAdapter.WeightsFileName));
        using var theirs = SafetensorsFile.Open(Path.Combine(fx.AdapterDir, PeftAdapter.WeightsFileName));
        Assert.Equal(theirs.Entries.Select(e => (e.Name, e.DType, string.Join(",", e.Shape))).OrderBy(x => x.Name),
                     ours.Entries.Select(e => (e.Name, e.DType, string.Join(",", e.Shape))).OrderBy(x => x.Name));
        Assert.Equal(theirs.Metadata, ours.Metadata);

        var ourConfig = (JsonObject)JsonNode.Parse(File.ReadAllText(dir.Child("adapter", PeftAdapterConfig.FileName)))!;
        var theirConfig = (JsonObject)JsonNode.Parse(File.ReadAllText(Path.Combine(fx.AdapterDir, PeftAdapterConfig.FileName)))!;
        Assert.Equal(theirConfig.Select(kv => kv.Key), ourConfig.Select(kv => kv.Key));
        foreach (var key in new[] { "r", "lora_alpha", "lora_dropout", "fan_in_fan_out", "bias", "peft_type", "task_type", "use_rslora", "use_dora" })
            Assert.True(JsonNode.DeepEquals(theirConfig[key], ourConfig[key]), $"{key}: ours {ourConfig[key]?.ToJsonString()}, PEFT's {theirConfig[key]?.ToJsonString()}");
        Assert.Equal(theirConfig["target_modules"]!.AsArray().Select(t => t!.GetValue<string>()).Order(),
                     ourConfig["target_modules"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
    }

    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Saved_adapter_reloads_bit_identically(string name)
    {
        var fx = new PeftFixture(name);
        using var model = ModelLoader.Load(fx.BaseDir);
        var settings = PeftAdapter.Load(model, fx.AdapterDir);
        using var dir = new TempFolder();
        PeftAdapter.Save(model, "default", settings, dir.Child("a"));
        using var again = ModelLoader.Load(fx.BaseDir);
        PeftAdapter.Load(again, dir.Child("a"));
        var first = LoraAdapters.Parameters(model, "default");
        var second = LoraAdapters.Parameters(again, "default").ToDictionary(p => p.PeftName, p => p.Value);
        foreach (var (peftName, value) in first)
            Assert.True(value.bytes.SequenceEqual(second[peftName].bytes), $"{peftName} differs after a round trip");
        var original = TensorFiles.ReadAll(Path.Combine(fx.AdapterDir, PeftAdapter.WeightsFileName));
        var written = TensorFiles.ReadAll(dir.Child("a", PeftAdapter.WeightsFileName));
        foreach (var (key, t) in original) Assert.True(t.bytes.SequenceEqual(written[key].bytes), $"{key} differs from PEFT's file");
    }

    [Fact]
    public void Several_named_adapters_switch_over_one_base()
    {
        var fx = new PeftFixture("tiny-llama");
        using var model = ModelLoader.Load(fx.BaseDir);
        PeftAdapter.Load(model, fx.AdapterDir, "peft");
        LoraAdapters.Attach(model, "fresh", new LoraConfig { Rank = 2, Alpha = 4, TargetModules = ["q_proj"] });
        LoraAdapters.Activate(model, "fresh");
        var ids = fx["input_ids"];
        using var _ = no_grad();
        // A fresh adapter has B = 0: it computes the base model.
        Tolerance.Close(model.Forward(ids), fx["base_logits"], Tolerance.Logits, "fresh adapter");
        LoraAdapters.Activate(model, "peft");
        Tolerance.Close(model.Forward(ids), fx["adapter_logits"], Tolerance.Logits, "switched back");
        Assert.Equal(new[] { "peft", "fresh" }, LoraAdapters.AdapterNames(model).Order().Reverse());
        Assert.Throws<ArgumentException>(() => LoraAdapters.Activate(model, "missing"));
    }

    [Fact]
    public void Default_init_is_kaiming_uniform_A_and_zero_B_with_rslora_scale()
    {
        using var model = ModelLoader.Load(RepoPaths.Fixture("tiny-llama", "base"));
        LoraAdapters.Attach(model, "x", new LoraConfig { Rank = 16, Alpha = 8, TargetModules = ["q_proj"], UseRsLora = true });
        var layer = model.Projections().First(p => p.Name.EndsWith("q_proj")).Layer;
        Assert.Equal(0.0, layer.LoraB("x").abs().max().item<float>());
        // kaiming_uniform(a=√5) bound = 1/√fan_in.
        double bound = 1 / Math.Sqrt(64);
        var a = layer.LoraA("x");
        Assert.True(a.abs().max().item<float>() <= bound + 1e-7);
        Assert.True(a.std().item<float>() > bound / 3, "A looks uninitialised");
        Assert.Equal(8 / Math.Sqrt(16), layer.Slot("x").Scale, 12);
    }

    [Fact]
    public void Adapter_that_does_not_fit_the_base_names_the_tensor()
    {
        var fx = new PeftFixture("tiny-llama");
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.Child("bad"));
        File.Copy(Path.Combine(fx.AdapterDir, PeftAdapterConfig.FileName), dir.Child("bad", PeftAdapterConfig.FileName));
        var tensors = TensorFiles.ReadAll(Path.Combine(fx.AdapterDir, PeftAdapter.WeightsFileName));
        const string victim = "base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight";
        tensors[victim] = zeros(31, 8);
        TensorFiles.Write(dir.Child("bad", PeftAdapter.WeightsFileName), tensors.Select(kv => (kv.Key, kv.Value)));
        using var model = ModelLoader.Load(fx.BaseDir);
        var e = Assert.Throws<PeftFormatException>(() => PeftAdapter.Load(model, dir.Child("bad")));
        Assert.Contains(victim, e.Message);
        Assert.Contains("[31, 8], expected [32, 8]", e.Message);
    }

    [Fact]
    public void Unknown_target_module_lists_the_model_projections()
    {
        using var model = ModelLoader.Load(RepoPaths.Fixture("tiny-llama", "base"));
        var e = Assert.Throws<ArgumentException>(() => LoraAdapters.Attach(model, "x", new LoraConfig { Rank = 8, Alpha = 8, TargetModules = ["c_attn"] }));
        Assert.Contains("[c_attn]", e.Message);
        Assert.Contains("q_proj", e.Message);
    }
}
