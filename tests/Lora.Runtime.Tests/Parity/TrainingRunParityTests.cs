using Lora.Runtime.Tests.Training;
using Lora.Runtime.Adapters;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Tensors;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Parity;

/// <summary>The 6-step train-tiny-llama fixture: cosine schedule with warm-up, accumulation 2, clipping 1.0.</summary>
public class TrainingRunParityTests
{
    [Fact]
    public void Six_step_run_matches_transformers_trainer_semantics()
    {
        var folder = RepoPaths.Fixture("train-tiny-llama");
        var expected = TensorFiles.ReadAll(Path.Combine(folder, "expected.safetensors"));
        using var model = ModelLoader.Load(Path.Combine(folder, "base"));
        PeftAdapter.Load(model, Path.Combine(folder, "adapter_init"));
        var options = TestTrainingOptions.AdamW(5e-3, 6) with { Schedule = Lora.LrSchedule.Cosine, WarmupSteps = 2, GradientAccumulation = 2, MaxGradNorm = 1.0, WeightDecay = 0.01 };
        using var trainer = new LoraTrainer(model, "default", options);
        var data = expected["data"];
        var losses = new List<Tensor>();
        var lrs = new List<double>();
        var norms = new List<Tensor>();
        for (int step = 0; step < 6; step++)
        {
            var micro = Enumerable.Range(0, 2)
                .Select(i => TrainingBatch.LanguageModeling(data.narrow(0, (2 * step + i) * 4, 4))).ToList();
            var result = trainer.Step(micro);
            losses.Add(result.MicroLosses);
            norms.Add(result.GradNorm);
            lrs.Add(result.LearningRate);
        }
        Tolerance.Close(cat(losses), expected["micro_losses"], Tolerance.Loss, "micro-batch losses");
        Tolerance.Close(tensor(lrs.ToArray()), expected["step_lrs"], 1e-6, "learning rates");
        Tolerance.Close(stack(norms), expected["grad_norms_before_clip"], Tolerance.Gradients, "gradient norms");
        foreach (var (peftName, p) in LoraAdapters.Parameters(model, "default"))
            Tolerance.Close(p, expected["final." + peftName], Tolerance.Gradients, $"final {peftName}");
        model.eval();
        using var _ = no_grad();
        Tolerance.Close(model.Forward(data.narrow(0, 0, 4)), expected["final_logits_first4"], Tolerance.Logits, "final logits");
    }
}
