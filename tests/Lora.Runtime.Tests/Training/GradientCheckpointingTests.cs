using Lora.Runtime.Adapters;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Quantization;
using Lora.Runtime.Tests.Parity;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Training;

public class GradientCheckpointingTests
{
    [Theory]
    [InlineData("tiny-llama", false)]
    [InlineData("tiny-gpt2", false)]
    [InlineData("tiny-llama", true)]
    [InlineData("tiny-gemma2", false)]    // sliding-window and global layers: the window's mask and tables go through the checkpoint
    [InlineData("tiny-gemma3", true)]
    public void Checkpointed_gradients_equal_plain_gradients(string name, bool qlora)
    {
        var fx = new PeftFixture(name);
        var quantize = qlora ? new QuantizationOptions() : null;
        Dictionary<string, Tensor> Grads(bool checkpointing)
        {
            using var model = ModelLoader.Load(fx.BaseDir, ScalarType.Float32, quantize);
            PeftAdapter.Load(model, fx.AdapterDir);
            model.GradientCheckpointing = checkpointing;
            model.train();
            foreach (var (_, p) in LoraAdapters.Parameters(model, "default")) p.requires_grad = true;
            CausalLmLoss.Compute(model.Forward(fx["input_ids"]), fx["input_ids"]).backward();
            return LoraAdapters.Parameters(model, "default").ToDictionary(p => p.PeftName, p => p.Value.grad!.clone());
        }
        var plain = Grads(false);
        var checkpointed = Grads(true);
        Assert.Equal(plain.Keys, checkpointed.Keys);
        foreach (var (key, g) in plain) Tolerance.Close(checkpointed[key], g, 1e-5, $"{name} {key}");
        Assert.All(plain.Values, g => Assert.True(g.abs().max().item<float>() > 0, "a gradient is all zero: the check would be vacuous"));
    }

    [Fact]
    public void Checkpointing_with_dropout_reuses_the_same_masks()
    {
        var fx = new PeftFixture("tiny-llama");
        Dictionary<string, Tensor> Grads(bool checkpointing)
        {
            using var model = ModelLoader.Load(fx.BaseDir);
            manual_seed(3);
            LoraAdapters.Attach(model, "d", new LoraConfig { Rank = 4, Alpha = 8, Dropout = 0.3, TargetModules = ["q_proj", "up_proj"] });
            foreach (var (_, b) in LoraAdapters.Parameters(model, "d").Where(p => p.PeftName.Contains("lora_B"))) using (no_grad()) b.normal_(0, 0.1);
            model.GradientCheckpointing = checkpointing;
            using var trainer = new LoraTrainer(model, "d", TestTrainingOptions.AdamW(2e-4, 1));
            manual_seed(9);
            model.train();
            CausalLmLoss.Compute(model.Forward(fx["input_ids"]), fx["input_ids"]).backward();
            return LoraAdapters.Parameters(model, "d").ToDictionary(p => p.PeftName, p => p.Value.grad!.clone());
        }
        var plain = Grads(false);
        var checkpointed = Grads(true);
        foreach (var (key, g) in plain) Tolerance.Close(checkpointed[key], g, 1e-5, key);
    }

    [Fact]
    public void A_recomputed_layer_leaves_no_tensors_behind_in_the_callers_scope()
    {
        // Each checkpointed layer's recomputation must free its tensors when that layer's backward is done, not at the
        // end of the step: what lands in the caller's scope may not grow with the number of layers. A 4-bit base, whose
        // projections are custom autograd nodes, is where they did.
        int LeftInScope(int layers)
        {
            var config = Models.SmallModels.LlamaConfig();
            config["num_hidden_layers"] = layers;
            using var model = Models.SmallModels.Random(config);
            foreach (var module in model.QuantizedModules(new QuantizationOptions()).Values) module.Quantize(Lora.QuantType.NF4, doubleQuant: true);
            LoraAdapters.Attach(model, "d", new LoraConfig { Rank = 4, Alpha = 8, TargetModules = ["q_proj", "up_proj"] });
            foreach (var (_, p) in LoraAdapters.Parameters(model, "d")) p.requires_grad = true;
            model.GradientCheckpointing = true;
            model.train();
            using var scope = NewDisposeScope();
            var loss = model.Loss(Models.SmallModels.Ids(), Models.SmallModels.Ids());
            int before = scope.DisposablesCount;
            loss.backward();
            Lora.Runtime.Autograd.BackwardHandles.Release();
            return scope.DisposablesCount - before;
        }
        Assert.Equal(LeftInScope(2), LeftInScope(6));
    }
}
