using Lora.Runtime.Peft;
using Lora.Runtime.Safetensors;

namespace Lora.Cli.Inspection;

/// <summary>What <c>lora inspect</c> says about a PEFT LoRA adapter folder; reads its config and tensor header only.</summary>
public static class AdapterFolderSummary
{
    // PEFT's file names: base_model.model.<module>.lora_A.weight, DoRA's ….lora_magnitude_vector, trained biases ….base_layer.bias.
    private const string NamePrefix = "base_model.model.";
    private static readonly string[] NameSuffixes = [".lora_A.weight", ".lora_B.weight", ".lora_magnitude_vector", ".base_layer.bias", ".bias"];

    public static void Write(string folder, TextWriter output)
    {
        var settings = PeftAdapterConfig.Read(Path.Combine(folder, PeftAdapterConfig.FileName));
        var weightsPath = Path.Combine(folder, PeftAdapter.WeightsFileName);
        if (!File.Exists(weightsPath))
            throw new PeftFormatException($"{weightsPath}: not found; a PEFT adapter folder holds {PeftAdapterConfig.FileName} and {PeftAdapter.WeightsFileName}.");
        using var weights = SafetensorsFile.Open(weightsPath);

        double scale = settings.UseRsLora ? settings.Alpha / Math.Sqrt(settings.Rank) : settings.Alpha / settings.Rank;
        var modules = weights.Entries.Select(e => ModuleName(e.Name)).Distinct().ToList();
        var table = new SummaryTable()
            .Add("adapter folder", folder)
            .Add("r", settings.Rank)
            .Add("alpha", $"{settings.Alpha} (scale {scale:0.####})")
            .Add("rsLoRA", settings.UseRsLora ? "yes" : "no")
            .Add("DoRA", settings.UseDora ? "yes" : "no")
            .Add("bias", settings.Bias.ToString())
            .Add("dropout", settings.Dropout)
            .Add("targets", settings.TargetRegex ?? string.Join(", ", settings.TargetModules));
        if (settings.RankPattern.Count > 0) table.Add("rank_pattern", string.Join(", ", settings.RankPattern.Select(p => $"{p.Key}={p.Value}")));
        if (settings.AlphaPattern.Count > 0) table.Add("alpha_pattern", string.Join(", ", settings.AlphaPattern.Select(p => $"{p.Key}={p.Value}")));
        table.Add("tensors", weights.Entries.Count)
            .Add("trainable", $"{SummaryTable.Count(weights.Entries.Sum(e => e.ElementCount))} parameters ({ModelFolderSummary.DTypes(weights.Entries)})")
            .Add("modules", $"{modules.Count}\n" + string.Join("\n", ModuleNamePatterns.Fold(modules)))
            .WriteTo(output);
    }

    private static string ModuleName(string tensorName)
    {
        var name = tensorName.StartsWith(NamePrefix, StringComparison.Ordinal) ? tensorName[NamePrefix.Length..] : tensorName;
        foreach (var suffix in NameSuffixes)
            if (name.EndsWith(suffix, StringComparison.Ordinal)) return name[..^suffix.Length];
        return name;
    }
}
