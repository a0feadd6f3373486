using Lora.Runtime.Tests.Training;
using Lora.Runtime.Adapters;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Quantization;
using Lora.Runtime.Safetensors;
using Lora.Runtime.Tests.Models;
using Lora.Runtime.Tests.Parity;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.QLora;

/// <summary>QLoRA is the same LoRA layer over a 4-bit base: forward, training, merge and files.</summary>
public class QLoraTests
{
    static readonly QuantizationOptions Nf4 = new(Lora.QuantType.NF4, DoubleQuant: true);

    /// <summary>The fp32 model whose weights hold exactly the dequantized 4-bit ones: what the adapter sees.</summary>
    static CausalLanguageModel DequantizedReference(string baseDir, CausalLanguageModel quantized) =>
        FourBitEmbeddingTests.DequantizedReference(baseDir, quantized);

    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Merged_qlora_logits_equal_adapter_on_dequantized_base(string name)
    {
        var fx = new PeftFixture(name);
        using var qlora = ModelLoader.Load(fx.BaseDir, ScalarType.Float32, Nf4);
        Assert.All(qlora.Projections().Where(p => p.Name != "lm_head"), p => Assert.NotNull(p.Layer.Quantized));
        PeftAdapter.Load(qlora, fx.AdapterDir);
        using var reference = DequantizedReference(fx.BaseDir, qlora);
        PeftAdapter.Load(reference, fx.AdapterDir);
        using var _ = no_grad();
        var ids = fx["input_ids"];
        var expected = reference.Forward(ids);
        Tolerance.Close(qlora.Forward(ids), expected, Tolerance.Logits, $"{name} QLoRA forward");
        LoraMerge.Merge(qlora, "default");
        Assert.All(qlora.Projections().Where(p => p.Layer.AdapterNames.Count > 0), p => Assert.Null(p.Layer.Quantized));
        Tolerance.Close(qlora.Forward(ids), expected, Tolerance.Logits, $"{name} merged QLoRA");
        // And 4-bit is close to, not equal to, the original weights.
        double drift = Tolerance.RelativeError(expected, fx["adapter_logits"]);
        Assert.InRange(drift, 1e-6, 0.2);
    }

    [Fact]
    public void Saved_4bit_model_has_the_bitsandbytes_layout_and_reloads_to_identical_codes()
    {
        var fx = new PeftFixture("tiny-llama");
        using var dir = new TempFolder();
        using var model = ModelLoader.Load(fx.BaseDir, ScalarType.Float32, Nf4);
        HfModelWriter.Save(model, dir.Child("q"), ScalarType.Float32, fx.BaseDir);

        using (var file = SafetensorsFile.Open(dir.Child("q", "model.safetensors")))
        {
            const string layer = "model.layers.0.self_attn.q_proj";
            Assert.True(file.TryGet($"{layer}.weight", out var packed));
            Assert.Equal(SafetensorsDType.U8, packed.DType);
            Assert.Equal(new long[] { 64 * 64 / 2, 1 }, packed.Shape);
            foreach (var suffix in new[] { ".weight.absmax", ".weight.quant_map", ".weight.nested_absmax", ".weight.nested_quant_map", ".weight.quant_state.bitsandbytes__nf4" })
                Assert.True(file.TryGet(layer + suffix, out var found), $"{layer}{suffix} missing");
            Assert.True(file.TryGet("lm_head.weight", out var head));
            Assert.Equal(SafetensorsDType.F32, head.DType);   // the LM head stays full precision
        }
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(dir.Child("q", "config.json")))!["quantization_config"]!;
        Assert.Equal("bitsandbytes", config["quant_method"]!.GetValue<string>());
        Assert.Equal("nf4", config["bnb_4bit_quant_type"]!.GetValue<string>());
        Assert.True(config["bnb_4bit_use_double_quant"]!.GetValue<bool>());

        using var reloaded = ModelLoader.Load(dir.Child("q"));   // detects the 4-bit checkpoint by itself
        var before = model.Projections().ToDictionary(p => p.Name, p => p.Layer);
        foreach (var (name, layer) in reloaded.Projections().Where(p => p.Layer.Quantized is not null))
            Assert.True(layer.Quantized!.Codes().eq(before[name].Quantized!.Codes()).all().item<bool>(), $"{name} codes differ after reload");
        using var _ = no_grad();
        Tolerance.Close(reloaded.Forward(fx["input_ids"]), model.Forward(fx["input_ids"]), 1e-6, "reloaded 4-bit logits");
    }

    [Fact]
    public void Qlora_trains_through_the_4bit_base()
    {
        var fx = new PeftFixture("tiny-llama");
        using var model = ModelLoader.Load(fx.BaseDir, ScalarType.Float32, Nf4);
        manual_seed(1);
        LoraAdapters.Attach(model, "default", new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "v_proj", "down_proj"] });
        using var trainer = new LoraTrainer(model, "default", TestTrainingOptions.AdamW(3e-2, 12) with { Schedule = Lora.LrSchedule.Constant });
        var losses = Enumerable.Range(0, 12).Select(_ => trainer.Step([TrainingBatch.LanguageModeling(fx["input_ids"])]).MicroLosses.item<float>()).ToList();
        Assert.True(losses[^1] < losses[0] * 0.95, $"loss {losses[0]} → {losses[^1]}");
        Assert.All(model.Projections().Where(p => p.Name != "lm_head"), p => Assert.NotNull(p.Layer.Quantized));
    }

    [Fact]
    public void Gpt2_conv1d_layers_quantize_in_linear_layout()
    {
        var fx = new PeftFixture("tiny-gpt2");
        using var qlora = ModelLoader.Load(fx.BaseDir, ScalarType.Float32, Nf4);
        var cAttn = qlora.Projections().First(p => p.Name == "transformer.h.0.attn.c_attn").Layer;
        Assert.Equal(new long[] { 192, 64 }, cAttn.Quantized!.Shape);   // [out, in], as transformers stores a 4-bit Conv1D
        Assert.Equal(new long[] { 64, 192 }, cAttn.FullWeight(ScalarType.Float32).shape);
    }
}
