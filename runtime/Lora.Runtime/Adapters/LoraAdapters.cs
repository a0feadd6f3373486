using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Adapters;

/// <summary>Attaches, selects and switches named adapters over one frozen base model.</summary>
public static class LoraAdapters
{
    /// <summary>Adds adapter <paramref name="name"/> to every targeted projection and returns their names.</summary>
    public static IReadOnlyList<string> Attach(CausalLanguageModel model, string name, LoraConfig settings, ScalarType? dtype = null)
    {
        settings = Resolve(model, settings);
        settings.Validate();
        var targets = model.Projections().Where(p => TargetMatcher.Matches(settings, p.Name)).ToList();
        if (targets.Count == 0)
        {
            var suffixes = model.Projections().Select(p => p.Name.Split('.')[^1]).Distinct();
            string wanted = settings.TargetRegex ?? string.Join(", ", settings.TargetModules);
            throw new ArgumentException(
                $"Target modules [{wanted}] match no module of this {model.Config.ModelType} model; its projections are: {string.Join(", ", suffixes)}.");
        }
        foreach (var (moduleName, layer) in targets)
        {
            int rank = settings.RankFor(moduleName);
            long smallest = Math.Min(layer.InFeatures, layer.OutFeatures);
            if (rank > smallest)
                throw new ArgumentException($"LoRA rank {rank} on {moduleName} exceeds its smallest dimension {smallest}; a rank above it adds nothing.");
            layer.AddAdapter(name, rank, settings.AlphaFor(moduleName), settings.Dropout, settings.UseRsLora, dtype ?? ScalarType.Float32, settings.UseDora);
        }
        model.AdapterBiases[name] = settings.Bias;
        return targets.Select(t => t.Name).ToList();
    }

    /// <summary>
    /// <paramref name="settings"/> with <c>all-linear</c> (<see cref="Lora.ModelFamilies.AllLinear"/>) replaced by the full
    /// names of the modules it selects, as PEFT 0.21 does before it attaches and saves: every projection of the model (Linear,
    /// and GPT-2's Conv1D) except the output head. Saved that way, the adapter_config.json names exactly the adapted
    /// modules, which PEFT reads back as they are. Other settings are returned unchanged.
    /// </summary>
    public static LoraConfig Resolve(CausalLanguageModel model, LoraConfig settings)
    {
        if (settings.TargetRegex is not null || !settings.TargetModules.Contains(Lora.ModelFamilies.AllLinear)) return settings;
        var named = settings with { TargetModules = settings.TargetModules.Where(t => t != Lora.ModelFamilies.AllLinear).ToList() };
        var selected = model.Projections()
            .Where(p => p.Name != model.OutputHeadName || TargetMatcher.Matches(named, p.Name))
            .Select(p => p.Name).ToList();
        return settings with { TargetModules = selected };
    }

    /// <summary>Makes <paramref name="name"/> the adapter used by forward on every layer that has it; other layers use none.</summary>
    public static void Activate(CausalLanguageModel model, string name)
    {
        var layers = model.Projections().ToList();
        if (!layers.Any(l => l.Layer.HasAdapter(name)))
            throw new ArgumentException($"No adapter named '{name}'; the model has: {string.Join(", ", AdapterNames(model))}.");
        foreach (var (_, layer) in layers) layer.SetActiveAdapter(layer.HasAdapter(name) ? name : null);
    }

    /// <summary>Turns every adapter off or back on without removing it (PEFT's <c>disable_adapter()</c>).</summary>
    public static void SetEnabled(CausalLanguageModel model, bool enabled)
    {
        foreach (var (_, layer) in model.Projections()) layer.AdaptersEnabled = enabled;
    }

    public static IReadOnlyList<string> AdapterNames(CausalLanguageModel model) =>
        model.Projections().SelectMany(p => p.Layer.AdapterNames).Distinct().ToList();

    /// <summary>
    /// What adapter <paramref name="name"/> trains, with PEFT's in-memory names: the factors
    /// (<c>base_model.model.….lora_A.default.weight</c>), then the biases its <see cref="LoraConfig.Bias"/> trains, named as
    /// PEFT names them in its wrapped model and in the adapter file: <c>….q_proj.base_layer.bias</c> for an adapted module,
    /// the plain name (<c>….ln_1.bias</c>) for any other.
    /// </summary>
    public static IReadOnlyList<(string PeftName, TorchSharp.Modules.Parameter Value)> Parameters(CausalLanguageModel model, string name)
    {
        var adapted = model.Projections().Where(p => p.Layer.HasAdapter(name)).ToList();
        var factors = adapted.SelectMany(p => new[]
        {
            ($"{PeftPrefix}{p.Name}.lora_A.{name}.weight", p.Layer.LoraA(name)),
            ($"{PeftPrefix}{p.Name}.lora_B.{name}.weight", p.Layer.LoraB(name)),
        }.Concat(p.Layer.Slot(name).UseDora ? [($"{PeftPrefix}{p.Name}.{MagnitudeModule}.{name}.weight", p.Layer.Magnitude(name))] : []));
        var adaptedNames = adapted.Select(p => p.Name).ToHashSet();
        var biases = model.AdapterBiases.GetValueOrDefault(name) switch
        {
            // PEFT's "all": every parameter with "bias" in its name.
            Lora.LoraBias.All => model.named_parameters().Where(p => p.name == "bias" || p.name.EndsWith(".bias", StringComparison.Ordinal))
                .Select(p => (PeftBiasName(p.name, adaptedNames), p.parameter)),
            Lora.LoraBias.LoraOnly => adapted.Where(p => p.Layer.bias is not null)
                .Select(p => (PeftBiasName(p.Name + ".bias", adaptedNames), p.Layer.bias!)),
            _ => [],
        };
        return factors.Concat(biases).ToList();
    }

    /// <summary>
    /// An in-memory PEFT name as the adapter file stores it: without the adapter's name (<c>….lora_A.weight</c>), and a DoRA
    /// magnitude without its <c>.weight</c> too (<c>….lora_magnitude_vector</c>), as PEFT's get_peft_model_state_dict writes them.
    /// </summary>
    public static string FileName(string peftName, string adapter) =>
        peftName.Replace($".{MagnitudeModule}.{adapter}.weight", $".{MagnitudeModule}").Replace($".{adapter}.weight", ".weight");

    const string PeftPrefix = "base_model.model.", MagnitudeModule = "lora_magnitude_vector";

    static string PeftBiasName(string key, HashSet<string> adaptedModules)
    {
        string module = key[..^".bias".Length];
        return PeftPrefix + (adaptedModules.Contains(module) ? module + ".base_layer.bias" : key);
    }
}
