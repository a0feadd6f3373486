using Lora.Runtime.Adapters;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Quantization;
using Lora.Runtime.Safetensors;
using Lora.Runtime.Tests.Parity;
using Lora.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.QLora;

/// <summary>
/// <see cref="QuantizationOptions.Embeddings"/>: the embedding tables and the LM head in 4 bits too (bitsandbytes'
/// Embedding4bit), read a row or a vocabulary slice at a time.
/// </summary>
public class FourBitEmbeddingTests
{
    static readonly QuantizationOptions AllFourBit = new(Lora.QuantType.NF4, DoubleQuant: true, Embeddings: true);

    /// <summary>The fp32 model whose every quantized weight (projections, tables, head) holds its dequantized value.</summary>
    internal static CausalLanguageModel DequantizedReference(string baseDir, CausalLanguageModel quantized)
    {
        var reference = ModelLoader.Load(baseDir);
        var projections = quantized.Projections().ToDictionary(p => p.Name, p => p.Layer);
        var tables = quantized.Embeddings().ToDictionary(e => e.Name, e => e.Table);
        using (no_grad())
        {
            foreach (var (name, layer) in reference.Projections())
                if (projections[name].Quantized is not null) layer.weight.copy_(projections[name].FullWeight(ScalarType.Float32));
            foreach (var (name, table) in reference.Embeddings())
                table.weight.copy_(tables[name].FullWeight(ScalarType.Float32));
        }
        return reference;
    }

    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Tables_and_head_are_4bit_and_logits_equal_the_dequantized_model(string name)
    {
        var fx = new PeftFixture(name);
        using var model = ModelLoader.Load(fx.BaseDir, ScalarType.Float32, AllFourBit);
        Assert.All(model.Embeddings(), e => Assert.NotNull(e.Table.Quantized));
        Assert.All(model.Projections(), p => Assert.NotNull(p.Layer.Quantized));   // lm_head included where untied
        Assert.All(model.Embeddings(), e => Assert.Equal(0, e.Table.weight.numel()));
        using var reference = DequantizedReference(fx.BaseDir, model);
        using var _ = no_grad();
        var ids = fx["input_ids"];
        Tolerance.Close(model.Forward(ids), reference.Forward(ids), Tolerance.Logits, $"{name} 4-bit tables");
        // The fused loss reads the 4-bit head a slice at a time (no gradients: the evaluation path).
        Assert.Equal(reference.Loss(ids, ids).item<float>(), model.Loss(ids, ids).item<float>(), 5);
    }

    [Theory]
    [InlineData("tiny-llama", false)]   // probabilities kept: the head dequantized whole for the step
    [InlineData("tiny-llama", true)]    // memory-lean: vocabulary slices, recomputed in backward
    [InlineData("tiny-gpt2", true)]     // tied head: the 4-bit token table is the head
    public void Adapter_gradients_through_a_4bit_head_equal_those_through_its_dequantized_weights(string name, bool lean)
    {
        var fx = new PeftFixture(name);
        Dictionary<string, Tensor> Grads(bool fourBitHead, out float loss)
        {
            using var quantized = ModelLoader.Load(fx.BaseDir, ScalarType.Float32, AllFourBit);
            using var model = fourBitHead ? null : DequantizedReference(fx.BaseDir, quantized);
            var trained = model ?? quantized;
            PeftAdapter.Load(trained, fx.AdapterDir);
            trained.GradientCheckpointing = lean;
            trained.train();
            foreach (var (_, p) in LoraAdapters.Parameters(trained, "default")) p.requires_grad = true;
            var value = trained.Loss(fx["input_ids"], fx["input_ids"]);
            value.backward();
            loss = value.item<float>();
            return LoraAdapters.Parameters(trained, "default").ToDictionary(p => p.PeftName, p => p.Value.grad!.clone());
        }
        var expected = Grads(fourBitHead: false, out var expectedLoss);
        var actual = Grads(fourBitHead: true, out var actualLoss);
        Assert.Equal(expectedLoss, actualLoss, 5);
        foreach (var (key, g) in expected) Tolerance.Close(actual[key], g, 1e-5, $"{name} {key}");
        Assert.All(expected.Values, g => Assert.True(g.abs().max().item<float>() > 0, "a gradient is all zero: the check would be vacuous"));
    }

    [Fact]
    public void Saved_model_keeps_projections_4bit_and_writes_tables_and_head_dequantized_as_transformers_reads_them()
    {
        var fx = new PeftFixture("tiny-llama");
        using var dir = new TempFolder();
        using var model = ModelLoader.Load(fx.BaseDir, ScalarType.Float32, AllFourBit);
        HfModelWriter.Save(model, dir.Child("q"), ScalarType.Float32, fx.BaseDir);
        using (var file = SafetensorsFile.Open(dir.Child("q", "model.safetensors")))
        {
            Assert.True(file.TryGet("model.layers.0.self_attn.q_proj.weight.absmax", out var projection));
            foreach (var key in new[] { "model.embed_tokens.weight", "lm_head.weight" })
            {
                Assert.True(file.TryGet(key, out var entry), $"{key} missing");
                Assert.Equal(SafetensorsDType.F32, entry.DType);
                Assert.Equal(new long[] { model.Config.VocabSize, model.Config.HiddenSize }, entry.Shape);
                Assert.False(file.TryGet(key + ".absmax", out var absmax), $"{key} written in 4 bits");
            }
        }
        using var reloaded = ModelLoader.Load(dir.Child("q"));
        using var _ = no_grad();
        Tolerance.Close(reloaded.Forward(fx["input_ids"]), model.Forward(fx["input_ids"]), 1e-6, "reloaded logits");
    }

    [Fact]
    public void A_table_whose_rows_are_not_whole_blocks_is_refused_with_its_name()
    {
        TorchSharp.torch.manual_seed(0);
        using var table = new EmbeddingTable("embed_tokens", 10, 96, ScalarType.Float32);
        using (no_grad()) table.weight.normal_();
        var error = Assert.Throws<ArgumentException>(() => table.Quantize(Lora.QuantType.NF4, doubleQuant: true));
        Assert.Contains("embed_tokens", error.Message);
        Assert.Contains("96", error.Message);
        Assert.Null(table.Quantized);
    }

    [Fact]
    public void A_4bit_table_moves_with_its_module()
    {
        using var table = new EmbeddingTable("wte", 8, 64, ScalarType.Float32);
        using (no_grad()) table.weight.normal_();
        table.Quantize(Lora.QuantType.NF4, doubleQuant: true);
        table.to(new Device(DeviceType.META));
        Assert.Equal(DeviceType.META, table.Quantized!.Device.type);
    }
}

public class FourBitEmbeddingSettingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_experiments_Embeddings_setting_reaches_the_runtimes_quantization(bool embeddings)
    {
        using var dir = new TempFolder();
        var config = Experiments.FixtureExperiment.Config(dir.Path, "train.jsonl") with
        {
            Quantization = new Lora.QuantizationSettings(Lora.QuantType.NF4, DoubleQuant: true, Lora.ComputeType.BFloat16, Embeddings: embeddings),
        };
        var options = Lora.Runtime.Experiments.ExperimentRunner.Quantization(config)!;
        Assert.Equal(embeddings, options.Embeddings);
        Assert.Equal(embeddings, options.IsQuantizable("lm_head"));
        Assert.True(options.IsQuantizable("model.layers.0.mlp.down_proj"));
    }
}
