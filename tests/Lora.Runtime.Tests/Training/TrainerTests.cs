using Lora.Runtime.Adapters;
using Lora.Runtime.Models;
using Lora.Runtime.Tests.Parity;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Training;

public class TrainerTests
{
    static byte[] TrainOnce(ScalarType dtype, long seed, out float firstLoss, out float lastLoss)
    {
        using var model = ModelLoader.Load(RepoPaths.Fixture("tiny-llama", "base"), dtype);
        manual_seed(seed);
        LoraAdapters.Attach(model, "default", new LoraConfig { Rank = 4, Alpha = 8, Dropout = 0.1, TargetModules = ["q_proj", "v_proj", "down_proj"] });
        using var trainer = new LoraTrainer(model, "default", TestTrainingOptions.AdamW(3e-2, 12) with { WarmupSteps = 2, Schedule = Lora.LrSchedule.Cosine });
        var ids = new PeftFixture("tiny-llama")["input_ids"];
        var losses = new List<Tensor>();
        for (int i = 0; i < 12; i++) losses.Add(trainer.Step([TrainingBatch.LanguageModeling(ids)]).MicroLosses);
        firstLoss = losses[0].item<float>();
        lastLoss = losses[^1].item<float>();
        return LoraAdapters.Parameters(model, "default").SelectMany(p => p.Value.bytes.ToArray()).ToArray();
    }

    [Fact]
    public void Same_seed_gives_bit_identical_adapters_on_cpu()
    {
        var a = TrainOnce(ScalarType.Float32, 11, out _, out _);
        var b = TrainOnce(ScalarType.Float32, 11, out _, out _);
        var c = TrainOnce(ScalarType.Float32, 12, out _, out _);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.BFloat16)]
    public void Loss_falls_when_training_in_each_dtype(ScalarType dtype)
    {
        TrainOnce(dtype, 3, out var first, out var last);
        Assert.True(last < first * 0.95, $"{dtype}: loss {first} → {last}");
    }

    [Fact]
    public void Bf16_base_keeps_fp32_adapters_and_tracks_the_fp32_loss()
    {
        TrainOnce(ScalarType.BFloat16, 5, out var bf16First, out _);
        TrainOnce(ScalarType.Float32, 5, out var fp32First, out _);
        Assert.InRange(bf16First / fp32First, 0.98, 1.02);
        using var model = ModelLoader.Load(RepoPaths.Fixture("tiny-llama", "base"), ScalarType.BFloat16);
        LoraAdapters.Attach(model, "default", new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj"] });
        Assert.All(LoraAdapters.Parameters(model, "default"), p => Assert.Equal(ScalarType.Float32, p.Value.dtype));
        Assert.All(model.BaseParameters(), p => Assert.Equal(ScalarType.BFloat16, p.Value.dtype));
    }

    [Theory]
    [InlineData(Lora.LrSchedule.Constant, 0, 1.0, 1.0, 1.0)]
    [InlineData(Lora.LrSchedule.Linear, 0, 1.0, 0.5, 0.1)]
    [InlineData(Lora.LrSchedule.Cosine, 0, 1.0, 0.5, 0.0244717418524232)]
    [InlineData(Lora.LrSchedule.Linear, 5, 0.0, 0.8, 0.2)]
    public void Schedules_match_transformers(Lora.LrSchedule kind, int warmup, double at0, double at5or4, double at9)
    {
        var s = new LearningRateSchedule(kind, 1.0, warmup, 10);
        Assert.Equal(at0, s.At(0), 9);
        Assert.Equal(at5or4, s.At(warmup == 5 ? 4 : 5), 9);
        Assert.Equal(at9, s.At(9), 9);
    }

    [Fact]
    public void Ignored_labels_carry_no_loss()
    {
        var logits = randn(1, 4, 10);
        var labels = tensor(new long[,] { { 1, 2, -100, 3 } });
        // Position 1 predicts label 2 (ignored) → loss over positions 0 and 2 only.
        var manual = (nn.functional.cross_entropy(logits[0, 0].unsqueeze(0), tensor(new long[] { 2 }))
                    + nn.functional.cross_entropy(logits[0, 2].unsqueeze(0), tensor(new long[] { 3 }))) / 2;
        var labelsIgnored = tensor(new long[,] { { 1, 2, 5, 3 } });
        labelsIgnored[0, 2] = tensor(-100L);
        Assert.Equal(manual.item<float>(), CausalLmLoss.Compute(logits, labelsIgnored).item<float>(), 5);
        Assert.NotEqual(CausalLmLoss.Compute(logits, labels).item<float>(), CausalLmLoss.Compute(logits, tensor(new long[,] { { 1, 2, 4, 3 } })).item<float>());
    }
}
