extern alias gen;
using System.Text.Json;
using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Units;

/// <summary>The memory estimator's parameter counts against the real fixture checkpoints, and its components.</summary>
public sealed class MemoryEstimatorTests
{
    private static readonly Lora.ModelDimensions TinyLlama = new("llama", 512, 64, 2, 160, 4, 2, 16, TiedEmbeddings: false, 128);
    private static readonly Lora.ModelDimensions TinyGpt2 = new("gpt2", 512, 64, 2, 256, 4, 4, 16, TiedEmbeddings: true, 64);

    [Theory]
    [InlineData("tiny-llama")]
    [InlineData("tiny-gpt2")]
    public void Base_parameters_equal_the_checkpoint(string fixture)
    {
        var dims = fixture == "tiny-llama" ? TinyLlama : TinyGpt2;
        var family = Lora.ModelFamilies.Find(dims.ModelType)!;
        var counts = SafetensorsHeader.ElementCounts(Path.Combine(RepoPaths.PeftFixtures, fixture, "base", "model.safetensors"));
        Assert.Equal(counts.Values.Sum(), Lora.MemoryEstimator.BaseParameters(family, dims));
    }

    [Theory]
    [InlineData("tiny-qwen3")]     // q/k norms over each head
    [InlineData("tiny-gemma2")]    // four norms per block
    [InlineData("tiny-gemma3")]    // four norms per block and q/k norms
    public void Base_and_adapter_parameters_equal_the_gpu_made_checkpoints(string fixture)
    {
        // Read as the generator reads them (its own copy of the shared model table and estimator).
        var folder = Path.Combine(RepoPaths.H200Fixtures, fixture);
        var dims = gen::Lora.Generators.Files.ModelConfigReader.Read(File.ReadAllText(Path.Combine(folder, "base", "config.json"))).Dimensions!;
        var family = gen::Lora.ModelFamilies.Find(dims.ModelType)!;
        var counts = SafetensorsHeader.ElementCounts(Path.Combine(folder, "base", "model.safetensors"));
        Assert.Equal(counts.Values.Sum(), gen::Lora.MemoryEstimator.BaseParameters(family, dims));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "adapter", "adapter_config.json")));
        var targets = config.RootElement.GetProperty("target_modules").EnumerateArray().Select(t => t.GetString()!).ToList();
        var adapter = SafetensorsHeader.ElementCounts(Path.Combine(folder, "adapter", "adapter_model.safetensors"));
        Assert.Equal(adapter.Values.Sum(), gen::Lora.MemoryEstimator.AdapterParameters(family, dims, config.RootElement.GetProperty("r").GetInt32(), targets));
    }

    [Theory]
    [InlineData("tiny-llama")]
    [InlineData("tiny-gpt2")]
    public void Adapter_parameters_equal_the_peft_adapter(string fixture)
    {
        var dims = fixture == "tiny-llama" ? TinyLlama : TinyGpt2;
        var family = Lora.ModelFamilies.Find(dims.ModelType)!;
        var folder = Path.Combine(RepoPaths.PeftFixtures, fixture, "adapter");
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "adapter_config.json")));
        var rank = config.RootElement.GetProperty("r").GetInt32();
        var targets = config.RootElement.GetProperty("target_modules").EnumerateArray().Select(t => t.GetString()!).ToList();
        var counts = SafetensorsHeader.ElementCounts(Path.Combine(folder, "adapter_model.safetensors"));
        Assert.Equal(counts.Values.Sum(), Lora.MemoryEstimator.AdapterParameters(family, dims, rank, targets));
    }

    [Theory]
    [InlineData("tiny-llama")]
    [InlineData("tiny-gpt2")]
    public void Every_module_name_is_a_checkpoint_key(string fixture)
    {
        var family = Lora.ModelFamilies.Find(fixture == "tiny-llama" ? "llama" : "gpt2")!;
        var keys = SafetensorsHeader.ElementCounts(Path.Combine(RepoPaths.PeftFixtures, fixture, "base", "model.safetensors")).Keys;
        foreach (var module in family.Modules.Where(m => m.PerLayer))
        {
            Assert.Contains(keys, k => k.EndsWith("." + module.QualifiedName + ".weight", StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("tiny-llama", "model.embed_tokens.weight", "lm_head.weight")]
    [InlineData("tiny-gpt2", "transformer.wte.weight", "transformer.wpe.weight")]
    public void Four_bit_embeddings_store_the_checkpoints_tables_and_head_in_nf4(string fixture, string table, string other)
    {
        var dims = fixture == "tiny-llama" ? TinyLlama : TinyGpt2;
        var family = Lora.ModelFamilies.Find(dims.ModelType)!;
        var counts = SafetensorsHeader.ElementCounts(Path.Combine(RepoPaths.PeftFixtures, fixture, "base", "model.safetensors"));
        long tables = counts[table] + counts[other];
        double nf4 = Lora.MemoryEstimator.Nf4BitsPerWeight(doubleQuant: true);
        var request = new Lora.MemoryEstimateRequest(8, ["q_proj"], 4, 128, nf4, 4, 4, 8, false);
        var dense = Lora.MemoryEstimator.Estimate(family, dims, request).WeightBytes;
        var fourBit = Lora.MemoryEstimator.Estimate(family, dims, request with { EmbeddingBitsPerWeight = nf4 }).WeightBytes;
        Assert.Equal(tables * (32 - nf4) / 8, dense - fourBit, 0);
    }

    [Fact]
    public void Nf4_costs_about_four_and_an_eighth_bits_with_double_quantization()
    {
        Assert.Equal(4.127, Lora.MemoryEstimator.Nf4BitsPerWeight(doubleQuant: true), 3);
        Assert.Equal(4.5, Lora.MemoryEstimator.Nf4BitsPerWeight(doubleQuant: false));
    }

    [Fact]
    public void Components_follow_the_settings()
    {
        var family = Lora.ModelFamilies.Find("llama")!;
        var targets = new[] { "q_proj", "v_proj" };
        var full = Estimate(family, targets, linearBits: 32, optimizer: 8, checkpointing: false);
        var nf4 = Estimate(family, targets, linearBits: Lora.MemoryEstimator.Nf4BitsPerWeight(true), optimizer: 8, checkpointing: false);
        var adam8 = Estimate(family, targets, linearBits: 32, optimizer: 2, checkpointing: false);
        var checkpointed = Estimate(family, targets, linearBits: 32, optimizer: 8, checkpointing: true);

        Assert.Equal(full.TrainableParameters * 8, full.AdapterBytes);
        Assert.Equal(full.TrainableParameters * 8, full.OptimizerBytes);
        Assert.Equal(full.OptimizerBytes / 4, adam8.OptimizerBytes);
        const long LinearWeights = 2 * ((64 * 64 * 2) + (64 * 32 * 2) + (64 * 160 * 3));
        Assert.Equal(LinearWeights * (32 - Lora.MemoryEstimator.Nf4BitsPerWeight(true)) / 8, full.WeightBytes - nf4.WeightBytes, 0);
        Assert.Equal(full.BaseParameters, nf4.BaseParameters);
        Assert.True(checkpointed.ActivationBytes < full.ActivationBytes);
        Assert.Equal(full.WeightBytes + full.AdapterBytes + full.OptimizerBytes + full.ActivationBytes, full.TotalBytes);
    }

    [Fact]
    public void The_loss_logits_follow_the_runtime_fused_loss()
    {
        // A 32k vocabulary, 4 × 256 tokens: float32 logits are 125 MiB, under the keep budget (probabilities plus one
        // temporary); with checkpointing the loss works in 16 MiB chunks (three alive at once); 32 × 256 tokens exceed
        // the budget, so 1,024-row chunks.
        var family = Lora.ModelFamilies.Find("llama")!;
        var dims = new Lora.ModelDimensions("llama", 32000, 64, 1, 160, 4, 2, 16, TiedEmbeddings: false, 256);
        long Activations(int batch, bool checkpointing) => Lora.MemoryEstimator.Estimate(family, dims,
            new Lora.MemoryEstimateRequest(8, ["q_proj"], batch, 256, 32, 4, 4, 8, checkpointing)).ActivationBytes;
        // Bytes per token besides the logits: the growth from one row of 256 tokens to two (logits growth removed).
        long PerToken(bool checkpointing) => (Activations(2, checkpointing) - Activations(1, checkpointing) - (checkpointing ? 0 : 2L * 256 * 32000 * 4)) / 256;
        const long Row = 32000 * 4;
        Assert.Equal((2 * 1024 * Row) + (1024 * PerToken(false)), Activations(4, false));
        Assert.Equal((3 * (Lora.MemoryEstimator.LeanLogitsChunkBytes / Row) * Row) + (1024 * PerToken(true)), Activations(4, true));
        Assert.Equal((3 * 1024 * Row) + (8192 * PerToken(false)), Activations(32, false));
    }

    [Fact]
    public void Lora_dropout_keeps_a_dropped_copy_and_a_mask_of_each_adapted_input()
    {
        // q_proj and v_proj read the hidden state (64 wide) and down_proj the MLP's (160): with dropout each keeps two
        // tensors as wide as its input per token, in every layer and in the layer whose backward is in flight.
        var family = Lora.ModelFamilies.Find("llama")!;
        var request = Request(batch: 2, length: 64) with { Targets = ["q_proj", "v_proj", "down_proj"] };
        var without = Lora.MemoryEstimator.Estimate(family, TinyLlama, request).ActivationBytes;
        var with = Lora.MemoryEstimator.Estimate(family, TinyLlama, request with { AdapterDropout = 0.05 }).ActivationBytes;
        const long Tokens = 2 * 64, Inputs = 64 + 64 + 160;
        Assert.Equal(Tokens * 2 * Inputs * 4 * (TinyLlama.NumLayers + 1), with - without);
    }

    [Fact]
    public void A_completion_only_loss_runs_the_head_on_its_scored_positions()
    {
        // 4 × 256 tokens of a 32k vocabulary keep 1,024 rows of float32 logits (probabilities and a temporary); with
        // 40 labelled positions per micro-batch, 40 rows. More scored positions than tokens count as every position.
        var family = Lora.ModelFamilies.Find("llama")!;
        var dims = new Lora.ModelDimensions("llama", 32000, 64, 1, 160, 4, 2, 16, TiedEmbeddings: false, 256);
        var request = new Lora.MemoryEstimateRequest(8, ["q_proj"], 4, 256, 32, 4, 4, 8, false);
        long Activations(Lora.MemoryEstimateRequest r) => Lora.MemoryEstimator.Estimate(family, dims, r).ActivationBytes;
        const long Row = 32000 * 4;
        Assert.Equal(2 * (1024 - 40) * Row, Activations(request) - Activations(request with { ScoredTokens = 40 }));
        Assert.Equal(Activations(request), Activations(request with { ScoredTokens = 5000 }));
    }

    [Fact]
    public void Runtime_bytes_are_a_component_of_the_total()
    {
        var family = Lora.ModelFamilies.Find("llama")!;
        var without = Lora.MemoryEstimator.Estimate(family, TinyLlama, Request(batch: 2, length: 64));
        var with = Lora.MemoryEstimator.Estimate(family, TinyLlama, Request(batch: 2, length: 64) with { RuntimeBytes = 200L << 20 });
        Assert.Equal(without.TotalBytes + (200L << 20), with.TotalBytes);
        Assert.Contains("runtime 200 MiB", with.Describe(), StringComparison.Ordinal);
        Assert.DoesNotContain("runtime", without.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Activations_grow_with_batch_times_sequence()
    {
        var family = Lora.ModelFamilies.Find("llama")!;
        var small = Lora.MemoryEstimator.Estimate(family, TinyLlama, Request(batch: 2, length: 64));
        var large = Lora.MemoryEstimator.Estimate(family, TinyLlama, Request(batch: 4, length: 128));
        Assert.Equal(small.ActivationBytes * 4, large.ActivationBytes);
    }

    [Theory]
    [InlineData("8GB", 8L << 30)]
    [InlineData("8 GiB", 8L << 30)]
    [InlineData("1.5g", 3L << 29)]
    [InlineData("512MB", 512L << 20)]
    [InlineData("2048", 2048L)]
    [InlineData(" 1 TB ", 1L << 40)]
    public void Memory_sizes_parse_with_binary_units(string text, long bytes)
    {
        Assert.True(Lora.MemorySize.TryParse(text, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("GB")]
    [InlineData("0GB")]
    [InlineData("-1GB")]
    [InlineData("8 parsecs")]
    [InlineData(null)]
    public void Memory_sizes_reject_non_sizes(string? text)
    {
        Assert.False(Lora.MemorySize.TryParse(text, out _));
    }

    [Theory]
    [InlineData(512L, "512 B")]
    [InlineData(1536L, "1.50 KiB")]
    [InlineData(7_999_999_999L, "7.45 GiB")]
    public void Memory_sizes_format_with_three_digits(long bytes, string text)
    {
        Assert.Equal(text, Lora.MemorySize.Format(bytes));
    }

    private static Lora.MemoryEstimate Estimate(Lora.ModelFamily family, string[] targets, double linearBits, int optimizer, bool checkpointing) =>
        Lora.MemoryEstimator.Estimate(family, TinyLlama, new Lora.MemoryEstimateRequest(8, targets, 4, 128, linearBits, 4, 4, optimizer, checkpointing));

    private static Lora.MemoryEstimateRequest Request(int batch, int length) =>
        new(8, new[] { "q_proj" }, batch, length, 32, 4, 4, 8, GradientCheckpointing: false);
}
