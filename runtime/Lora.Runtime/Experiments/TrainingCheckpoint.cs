using System.Text.Json;
using Lora.Runtime.Adapters;
using Lora.Runtime.IO;
using Lora.Runtime.Models;
using Lora.Runtime.Peft;
using Lora.Runtime.Tensors;
using Lora.Runtime.Training;
using static TorchSharp.torch;

namespace Lora.Runtime.Experiments;

/// <summary>What a checkpoint records beside the adapter and the optimizer's state.</summary>
/// <param name="Step">Optimizer steps done.</param>
/// <param name="Fingerprint">The experiment's fingerprint: a checkpoint of another configuration is never resumed.</param>
/// <param name="Losses">Every step's loss so far.</param>
/// <param name="Evals">The evaluations made so far (early stopping replays them on resume); absent in older checkpoints.</param>
public sealed record CheckpointState(int Step, string Fingerprint, List<double> Losses, List<EvalPoint>? Evals = null);

/// <summary>One evaluation during training: after optimizer step <paramref name="Step"/> (1-based), the mean eval loss.</summary>
public sealed record EvalPoint(int Step, double Loss);

/// <summary>
/// A resumable snapshot of a run after some optimizer step: the adapter (PEFT layout), AdamW's moments
/// and the trainer state, written atomically so that a killed run never leaves a checkpoint that looks
/// complete and is not.
/// </summary>
public static class TrainingCheckpoint
{
    const string StateFile = "trainer_state.json", OptimizerFile = "optimizer.safetensors";

    public static void Save(string checkpointsDir, CausalLanguageModel model, string adapter, LoraConfig settings, LoraTrainer trainer, CheckpointState state, int keep = 2)
    {
        var folder = Path.Combine(checkpointsDir, $"step-{state.Step:D6}");
        AtomicFolder.Write(folder, staging =>
        {
            PeftAdapter.Save(model, adapter, settings, Path.Combine(staging, "adapter"));
            var names = LoraAdapters.Parameters(model, adapter).Select(p => p.PeftName).ToList();
            // "<state>.<peft name>", e.g. m.base_model…lora_A.weight (and m.absmax.… for 8-bit moments).
            var optimizerState = names.SelectMany((n, i) => trainer.Optimizer.State(i).Select(s => (s.Name + "." + n, s.Value)));
            TensorFiles.Write(Path.Combine(staging, OptimizerFile), optimizerState);
            File.WriteAllText(Path.Combine(staging, StateFile), JsonSerializer.Serialize(state));
        });
        foreach (var old in Directory.GetDirectories(checkpointsDir, "step-*").Order().SkipLast(keep))
            Directory.Delete(old, recursive: true);
    }

    /// <summary>The newest complete checkpoint made with <paramref name="fingerprint"/>, or null.</summary>
    public static (string Folder, CheckpointState State)? Latest(string checkpointsDir, string fingerprint)
    {
        if (!Directory.Exists(checkpointsDir)) return null;
        foreach (var folder in Directory.GetDirectories(checkpointsDir, "step-*").OrderDescending())
        {
            var statePath = Path.Combine(folder, StateFile);
            if (!File.Exists(statePath)) continue;
            var state = JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(statePath));
            if (state?.Fingerprint == fingerprint) return (folder, state);
        }
        return null;
    }

    /// <summary>Loads adapter weights and optimizer moments from a checkpoint into a model whose adapter is already attached.</summary>
    public static void Restore(string folder, CausalLanguageModel model, string adapter, LoraTrainer trainer, CheckpointState state)
    {
        var weights = TensorFiles.ReadAll(Path.Combine(folder, "adapter", PeftAdapter.WeightsFileName));
        var moments = TensorFiles.ReadAll(Path.Combine(folder, OptimizerFile));
        var parameters = LoraAdapters.Parameters(model, adapter);
        using (no_grad())
            foreach (var (peftName, p) in parameters)
                p.copy_(weights[LoraAdapters.FileName(peftName, adapter)]);
        trainer.Optimizer.Restore(state.Step, (i, name) => moments.TryGetValue(name + "." + parameters[i].PeftName, out var t) ? t
            : throw new InvalidDataException($"{Path.Combine(folder, OptimizerFile)} has no tensor '{name}.{parameters[i].PeftName}' (optimizer state of another kind?)."));
    }
}
