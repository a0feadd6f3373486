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

    /// <summary>Saves a checkpoint and removes this run's older ones beyond the newest <paramref name="keep"/>, except the one
    /// of step <paramref name="spare"/> (the best evaluated one, which LoadBestModelAtEnd may keep at the end).</summary>
    public static void Save(string checkpointsDir, CausalLanguageModel model, string adapter, LoraConfig settings, LoraTrainer trainer, CheckpointState state,
        int keep = 2, int? spare = null)
    {
        var folder = FolderOf(checkpointsDir, state.Step);
        AtomicFolder.Write(folder, staging =>
        {
            PeftAdapter.Save(model, adapter, settings, Path.Combine(staging, "adapter"));
            var names = LoraAdapters.Parameters(model, adapter).Select(p => p.PeftName).ToList();
            // "<state>.<peft name>", e.g. m.base_model…lora_A.weight (and m.absmax.… for 8-bit moments).
            var optimizerState = names.SelectMany((n, i) => trainer.Optimizer.State(i).Select(s => (s.Name + "." + n, s.Value)));
            TensorFiles.Write(Path.Combine(staging, OptimizerFile), optimizerState);
            File.WriteAllText(Path.Combine(staging, StateFile), JsonSerializer.Serialize(state));
        });
        // Only this run's checkpoints count towards the ones kept: another run's never push this one's out.
        string? spared = spare is int step ? FolderOf(checkpointsDir, step) : null;
        foreach (var old in Of(checkpointsDir, state.Fingerprint).Select(c => c.Folder).Order().SkipLast(keep).Where(f => f != spared))
            Directory.Delete(old, recursive: true);
    }

    /// <summary>Copies the adapter of step <paramref name="step"/>'s checkpoint to <paramref name="target"/>, whole or not at all,
    /// with the chat template the run trained with (<see cref="PeftAdapter.Save"/>'s), if any.</summary>
    public static void CopyAdapter(string checkpointsDir, int step, string target, string? chatTemplate = null)
    {
        var source = Path.Combine(FolderOf(checkpointsDir, step), "adapter");
        if (!Directory.Exists(source))
            throw new IOException($"{source}: the checkpoint of step {step}, whose adapter LoadBestModelAtEnd keeps, is missing.");
        AtomicFolder.Write(target, staging =>
        {
            foreach (var file in Directory.EnumerateFiles(source)) File.Copy(file, Path.Combine(staging, Path.GetFileName(file)));
            if (chatTemplate is not null) File.WriteAllText(Path.Combine(staging, PeftAdapter.ChatTemplateFileName), chatTemplate);
        });
    }

    static string FolderOf(string checkpointsDir, int step) => Path.Combine(checkpointsDir, $"step-{step:D6}");

    /// <summary>
    /// Run at the start of a run: removes the checkpoints another configuration made (their fingerprint is not
    /// <paramref name="fingerprint"/>) and what interrupted writes left behind (hidden staging folders), saying so.
    /// Checkpoints whose state cannot be read are left to <see cref="Resume"/>, which says why it passes them over.
    /// </summary>
    public static void ClearStale(string checkpointsDir, string fingerprint, Action<string> log)
    {
        if (!Directory.Exists(checkpointsDir)) return;
        AtomicFolder.RemoveLeftovers(checkpointsDir);
        var stale = Directory.GetDirectories(checkpointsDir, "step-*")
            .Where(folder => ReadState(folder, out _) is { } state && state.Fingerprint != fingerprint).Order().ToList();
        foreach (var folder in stale) Directory.Delete(folder, recursive: true);
        if (stale.Count > 0)
            log($"removed {stale.Count} checkpoint(s) of an earlier configuration or dataset ({string.Join(", ", stale.Select(Path.GetFileName))})");
    }

    /// <summary>The newest checkpoint made with <paramref name="fingerprint"/> whose state reads, or null.</summary>
    public static (string Folder, CheckpointState State)? Latest(string checkpointsDir, string fingerprint) =>
        Of(checkpointsDir, fingerprint).OrderByDescending(c => c.Folder, StringComparer.Ordinal).Cast<(string, CheckpointState)?>().FirstOrDefault();

    /// <summary>
    /// Restores the newest valid checkpoint of this run into a model whose adapter is attached and its trainer: every
    /// adapter and optimizer tensor present, shaped as this run's, and finite, checked before anything is copied. A
    /// checkpoint that fails is removed, with the reason in the log, and the one before it is tried. Null when none is valid.
    /// </summary>
    public static (string Folder, CheckpointState State)? Resume(string checkpointsDir, string fingerprint, CausalLanguageModel model, string adapter,
        LoraTrainer trainer, Action<string> log)
    {
        if (!Directory.Exists(checkpointsDir)) return null;
        foreach (var folder in Directory.GetDirectories(checkpointsDir, "step-*").OrderDescending(StringComparer.Ordinal))
        {
            var state = ReadState(folder, out string? problem);
            if (state is not null && state.Fingerprint != fingerprint) continue;
            if (state is not null && Load(folder, model, adapter, trainer, out problem) is { } loaded)
            {
                Apply(loaded, model, adapter, trainer, state);
                return (folder, state);
            }
            log($"{Path.GetFileName(folder)} is damaged ({problem}); removed it, trying the checkpoint before it");
            Directory.Delete(folder, recursive: true);
        }
        return null;
    }

    static IEnumerable<(string Folder, CheckpointState State)> Of(string checkpointsDir, string fingerprint) =>
        !Directory.Exists(checkpointsDir) ? []
            : Directory.GetDirectories(checkpointsDir, "step-*")
                .Select(folder => (Folder: folder, State: ReadState(folder, out _)))
                .Where(c => c.State?.Fingerprint == fingerprint)
                .Select(c => (c.Folder, c.State!));

    /// <summary>The checkpoint's trainer_state.json, or null with the reason when it is missing or unreadable.</summary>
    static CheckpointState? ReadState(string folder, out string? problem)
    {
        var path = Path.Combine(folder, StateFile);
        problem = null;
        try
        {
            var state = File.Exists(path) ? JsonSerializer.Deserialize<CheckpointState>(File.ReadAllText(path)) : null;
            if (state is null) problem = $"{StateFile} is missing or empty";
            return state;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"{StateFile} does not read: {e.Message}";
            return null;
        }
    }

    sealed record Loaded(Dictionary<string, Tensor> Weights, Dictionary<string, Tensor> Moments);

    /// <summary>The checkpoint's tensors when every one this run needs is there, shaped as its own and finite; else null and why.</summary>
    static Loaded? Load(string folder, CausalLanguageModel model, string adapter, LoraTrainer trainer, out string? problem)
    {
        string weightsPath = Path.Combine(folder, "adapter", PeftAdapter.WeightsFileName), momentsPath = Path.Combine(folder, OptimizerFile);
        Dictionary<string, Tensor> weights, moments;
        try
        {
            weights = TensorFiles.ReadAll(weightsPath);
            moments = TensorFiles.ReadAll(momentsPath);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or Safetensors.SafetensorsFormatException or UnauthorizedAccessException)
        {
            problem = e.Message;
            return null;
        }
        var parameters = LoraAdapters.Parameters(model, adapter);
        for (int i = 0; i < parameters.Count; i++)
        {
            var (peftName, p) = parameters[i];
            string key = LoraAdapters.FileName(peftName, adapter);
            problem = Check(weights, key, p, weightsPath);
            foreach (var (name, value) in trainer.Optimizer.State(i))
                problem ??= Check(moments, name + "." + peftName, value, momentsPath);
            if (problem is not null) return null;
        }
        problem = null;
        return new Loaded(weights, moments);
    }

    static string? Check(Dictionary<string, Tensor> saved, string key, Tensor expected, string file)
    {
        if (!saved.TryGetValue(key, out var t)) return $"{file} has no tensor '{key}'";
        if (!t.shape.SequenceEqual(expected.shape))
            return $"{file}: '{key}' is [{string.Join(", ", t.shape)}], this run's is [{string.Join(", ", expected.shape)}]";
        if (t.is_floating_point() && !t.isfinite().all().item<bool>()) return $"{file}: '{key}' holds non-finite values";
        return null;
    }

    /// <summary>Copies checked tensors into the adapter and the optimizer.</summary>
    static void Apply(Loaded loaded, CausalLanguageModel model, string adapter, LoraTrainer trainer, CheckpointState state)
    {
        var parameters = LoraAdapters.Parameters(model, adapter);
        using (no_grad())
            foreach (var (peftName, p) in parameters)
                p.copy_(loaded.Weights[LoraAdapters.FileName(peftName, adapter)]);
        trainer.Optimizer.Restore(state.Step, (i, name) => loaded.Moments[name + "." + parameters[i].PeftName]);
    }
}
