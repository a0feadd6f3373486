using Lora.Runtime.IO;
using Lora.Runtime.Adapters;
using Lora.Runtime.Models;
using Lora.Runtime.Safetensors;
using Lora.Runtime.Tensors;
using static TorchSharp.torch;

namespace Lora.Runtime.Peft;

/// <summary>Reads and writes PEFT adapter folders (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>).</summary>
public static class PeftAdapter
{
    public const string WeightsFileName = "adapter_model.safetensors";

    /// <summary>Attaches the adapter in <paramref name="folder"/> to <paramref name="model"/> as <paramref name="name"/> and activates it.</summary>
    public static LoraConfig Load(CausalLanguageModel model, string folder, string name = "default")
    {
        var configPath = Path.Combine(folder, PeftAdapterConfig.FileName);
        var settings = PeftAdapterConfig.Read(configPath);
        var weightsPath = Path.Combine(folder, WeightsFileName);
        if (!File.Exists(weightsPath))
        {
            string hint = File.Exists(Path.Combine(folder, "adapter_model.bin"))
                ? " Found adapter_model.bin, a pickle file, which is refused because loading pickle can run arbitrary code; convert it with PEFT: PeftModel.from_pretrained(base, DIR).save_pretrained(DIR, safe_serialization=True)."
                : "";
            throw new PeftFormatException($"{weightsPath}: not found.{hint}");
        }

        List<string> adapted;
        try { adapted = LoraAdapters.Attach(model, name, settings).ToList(); }
        catch (ArgumentException e) { throw new PeftFormatException($"{configPath}: {e.Message}", e); }

        using var file = SafetensorsFile.Open(weightsPath);
        // The factors, and the trained biases when the config's bias says so, by the names the file uses.
        var expected = LoraAdapters.Parameters(model, name).ToDictionary(p => LoraAdapters.FileName(p.PeftName, name), p => p.Value);
        var problems = new List<string>();
        foreach (var (key, parameter) in expected)
        {
            if (!file.TryGet(key, out var entry)) { problems.Add($"missing tensor '{key}'"); continue; }
            if (!entry.Shape.SequenceEqual(parameter.shape))
            {
                problems.Add($"tensor '{key}' has shape [{string.Join(", ", entry.Shape)}], expected [{string.Join(", ", parameter.shape)}]");
                continue;
            }
            using var t = TensorFiles.Read(file, entry);
            using (no_grad()) parameter.copy_(t);
        }
        foreach (var entry in file.Entries.Where(e => !expected.ContainsKey(e.Name)))
            problems.Add($"unexpected tensor '{entry.Name}' (no targeted module of the base model has that name)");
        if (problems.Count > 0)
            throw new PeftFormatException($"{weightsPath}: does not fit the base model with the settings in {PeftAdapterConfig.FileName}: " +
                                          string.Join("; ", problems.Take(10)) + (problems.Count > 10 ? $"; … {problems.Count - 10} more" : "") + ".");
        LoraAdapters.Activate(model, name);
        return settings;
    }

    /// <summary>The file an adapter carries its chat template in, as transformers' <c>save_pretrained</c> writes it.</summary>
    public const string ChatTemplateFileName = "chat_template.jinja";

    /// <summary>Writes adapter <paramref name="name"/> as a PEFT folder, atomically.</summary>
    /// <param name="model">The model the adapter is attached to.</param>
    /// <param name="name">The adapter's name in the model.</param>
    /// <param name="settings">Its settings, written as adapter_config.json.</param>
    /// <param name="folder">The folder to write, replaced whole.</param>
    /// <param name="baseModelNameOrPath">adapter_config.json's base_model_name_or_path.</param>
    /// <param name="chatTemplate">The chat template the adapter was trained with, written as <see cref="ChatTemplateFileName"/>
    /// so that whoever loads the adapter renders conversations the same way; null for none.</param>
    /// <param name="baseModelRevision">adapter_config.json's revision: the commit of a base model named by id, which PEFT's
    /// AutoPeftModel loads the base at; null for a folder.</param>
    public static void Save(CausalLanguageModel model, string name, LoraConfig settings, string folder, string? baseModelNameOrPath = null,
        string? chatTemplate = null, string? baseModelRevision = null)
    {
        var layers = model.Projections().Where(p => p.Layer.HasAdapter(name)).ToList();
        if (layers.Count == 0) throw new ArgumentException($"The model has no adapter named '{name}'.", nameof(name));
        // The factors and the biases the adapter trains (settings.Bias), as PEFT's get_peft_model_state_dict names them.
        var tensors = LoraAdapters.Parameters(model, name).Select(p => (LoraAdapters.FileName(p.PeftName, name), (Tensor)p.Value))
            .OrderBy(t => t.Item1, StringComparer.Ordinal);
        bool fanInFanOut = layers.Any(l => l.Layer.FanInFanOut);
        AtomicFolder.Write(folder, staging =>
        {
            TensorFiles.Write(Path.Combine(staging, WeightsFileName), tensors, new Dictionary<string, string> { ["format"] = "pt" });
            File.WriteAllText(Path.Combine(staging, PeftAdapterConfig.FileName), PeftAdapterConfig.Serialize(settings, fanInFanOut, baseModelNameOrPath, revision: baseModelRevision));
            if (chatTemplate is not null) File.WriteAllText(Path.Combine(staging, ChatTemplateFileName), chatTemplate);
        });
    }
}
