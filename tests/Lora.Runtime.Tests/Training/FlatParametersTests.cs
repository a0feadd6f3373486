using Lora.Runtime.Adapters;
using Lora.Runtime.Native;
using Lora.Runtime.Tests.Models;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Training;

public class FlatParametersTests
{
    public FlatParametersTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void Adapter_factors_become_views_of_one_buffer_that_the_update_changes_through_the_model()
    {
        using var model = SmallModels.Random(SmallModels.LlamaConfig());
        manual_seed(1);
        LoraAdapters.Attach(model, "default", new LoraConfig { Alpha = 8, Rank = 4, TargetModules = ["q_proj", "v_proj", "down_proj"] });
        var before = LoraAdapters.Parameters(model, "default").Select(p => p.Value.detach().clone()).ToList();
        using var trainer = new LoraTrainer(model, "default", TestTrainingOptions.AdamW(1e-2, 2));

        var flat = trainer.Optimizer.Flat;
        Assert.NotNull(flat);
        var factors = LoraAdapters.Parameters(model, "default");
        Assert.Equal(factors.Sum(p => p.Value.NumberOfElements), flat!.Count);
        // Re-homing kept every value, and each factor's storage is its slice of the buffer.
        for (int i = 0; i < factors.Count; i++)
        {
            Assert.True(factors[i].Value.allclose(before[i], 0, 0), factors[i].PeftName);
            using var slice = flat.Slice(flat.Values, i);
            using (no_grad()) slice.add_(1);   // a write to the slice is a write to the parameter
            Assert.True(factors[i].Value.allclose(before[i] + 1, 0, 0), $"{factors[i].PeftName} does not share the buffer");
            using (no_grad()) slice.sub_(1);
        }

        var ids = randint(0, 96, [2, 10], dtype: ScalarType.Int64);
        using var result = trainer.Step([TrainingBatch.LanguageModeling(ids)]);
        // The update went through the buffer into the model's own parameters (B starts at zero, so it must move).
        Assert.All(factors, p => Assert.True(p.Value.grad is null, $"{p.PeftName}: gradient not cleared"));
        Assert.Contains(factors, p => p.PeftName.Contains("lora_B") && p.Value.abs().sum().item<float>() > 0);
        for (int i = 0; i < factors.Count; i++)
        {
            using var slice = flat.Slice(flat.Values, i);
            Assert.True(slice.allclose(factors[i].Value, 0, 0), factors[i].PeftName);
        }
    }

    [Fact]
    public void Eight_bit_moments_keep_the_per_parameter_update()
    {
        using var model = SmallModels.Random(SmallModels.LlamaConfig());
        LoraAdapters.Attach(model, "default", new LoraConfig { Alpha = 8, Rank = 4, TargetModules = ["q_proj"] });
        using var trainer = new LoraTrainer(model, "default", TestTrainingOptions.AdamW(1e-2, 1) with { EightBitOptimizer = true });
        Assert.Null(trainer.Optimizer.Flat);
    }
}
