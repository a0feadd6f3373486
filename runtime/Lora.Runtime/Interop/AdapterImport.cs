using System.Text.Json.Nodes;
using Lora.Runtime.Experiments;
using Lora.Runtime.IO;
using Lora.Runtime.Peft;
using Lora.Runtime.Tensors;

namespace Lora.Runtime.Interop;

/// <summary>
/// <c>lora import adapter</c>: a PEFT adapter trained elsewhere (Axolotl's output_dir after <c>lora export axolotl</c>, or any
/// PEFT LoRA folder) becomes the experiment's trained adapter: copied into its artifacts, recorded as the training stage done
/// for the experiment's current fingerprint, so that the next build merges, evaluates and reports it without training. The
/// adapter must be the one the experiment declares (rank, alpha, targets, rsLoRA, DoRA); anything else is refused by name.
/// </summary>
public static class AdapterImport
{
    /// <summary>Imports <paramref name="adapterFolder"/>; returns the experiment's artifacts paths.</summary>
    public static ExperimentPaths Import(Lora.ExperimentConfig config, string adapterFolder, string artifactsRoot, string device)
    {
        adapterFolder = Path.GetFullPath(adapterFolder);
        var settings = PeftAdapterConfig.Read(Path.Combine(adapterFolder, PeftAdapterConfig.FileName));
        if (!File.Exists(Path.Combine(adapterFolder, PeftAdapter.WeightsFileName)))
            throw new PeftFormatException($"{adapterFolder}: {PeftAdapter.WeightsFileName} is missing; a PEFT adapter folder holds {PeftAdapterConfig.FileName} and {PeftAdapter.WeightsFileName}.");
        var mismatches = Mismatches(config.Adapter, settings).ToList();
        if (mismatches.Count > 0)
            throw new ArgumentException($"{adapterFolder} is not the adapter experiment '{config.FullName}' declares: {string.Join("; ", mismatches)}.");

        var paths = ExperimentPaths.For(artifactsRoot, config);
        using var hold = ExperimentLock.Acquire(paths, TimeSpan.FromMinutes(1), _ => { }, CancellationToken.None);
        var computeDevice = Devices.NamedOrResolved(device);
        var baseModel = BaseModelLocator.Locate(config);
        string fingerprint = ExperimentFingerprint.Compute(config, baseModel, ExperimentRunner.ComputeDType(config, computeDevice));
        StageRecord.Invalidate(paths);
        AtomicFolder.Write(paths.Adapter, staging =>
        {
            foreach (var file in new[] { PeftAdapterConfig.FileName, PeftAdapter.WeightsFileName })
                File.Copy(Path.Combine(adapterFolder, file), Path.Combine(staging, file));
        });
        // run.json's lineage says where the adapter came from; it has no losses of its own.
        RunRecord.Write(paths, config, fingerprint, [], null, TimeSpan.Zero, baseModel: baseModel,
            plan: new JsonObject { ["imported_from"] = adapterFolder });
        StageRecord.Complete(paths, StageRecord.Train, fingerprint);
        return paths;
    }

    static IEnumerable<string> Mismatches(Lora.LoraSettings declared, Adapters.LoraConfig found)
    {
        if (found.Rank != declared.Rank) yield return $"r is {found.Rank}, [LoraAdapter] Rank is {declared.Rank}";
        if (Math.Abs(found.Alpha - declared.Alpha) > 1e-9) yield return $"lora_alpha is {found.Alpha}, [LoraAdapter] Alpha is {declared.Alpha}";
        if (found.UseRsLora != declared.UseRsLora) yield return $"use_rslora is {found.UseRsLora}, [LoraAdapter] UseRsLora is {declared.UseRsLora}";
        if (found.UseDora != declared.UseDora) yield return $"use_dora is {found.UseDora}, [LoraAdapter] UseDora is {declared.UseDora}";
        bool allLinear = declared.Targets.Count == 1 && declared.Targets[0] == "all-linear";
        if (!allLinear && !found.TargetModules.ToHashSet().SetEquals(declared.Targets))
            yield return $"target_modules are {string.Join(", ", found.TargetModules.Order())}, [LoraAdapter] Targets are {string.Join(", ", declared.Targets.Order())}";
    }
}
