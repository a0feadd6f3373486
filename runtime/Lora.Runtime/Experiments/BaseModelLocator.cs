using Lora.Runtime.Hub;
using Lora.Runtime.Models;

namespace Lora.Runtime.Experiments;

/// <summary>Where an experiment's base model is: its folder, and the Hugging Face cache snapshot that folder is, when it is one.</summary>
/// <param name="Folder">The model folder (config.json, weights, tokenizer).</param>
/// <param name="Snapshot">The cache snapshot (id, revision, commit) for a model named by id; null for a folder or a built-in model.</param>
public sealed record BaseModelLocation(string Folder, HubSnapshot? Snapshot = null);

/// <summary>
/// Resolves <c>[BaseModel]</c>: the name of a model that ships with Lora.Sdk; a folder relative to the project (or
/// absolute); or a Hugging Face model id, <c>org/name</c> at <see cref="Lora.BaseModelSettings.Revision"/>, found in the
/// Hugging Face cache that Python uses too (<see cref="HubEnvironment"/>). A folder that exists wins over a model id of
/// the same spelling, as in the generator.
/// </summary>
public static class BaseModelLocator
{
    /// <summary>The base model's folder.</summary>
    public static string Resolve(Lora.ExperimentConfig config) => Locate(config).Folder;

    /// <summary>The base model's folder, and its cache snapshot when it is named by id.</summary>
    public static BaseModelLocation Locate(Lora.ExperimentConfig config) => Locate(config, HubEnvironment.Current);

    /// <summary>As <see cref="Locate(Lora.ExperimentConfig)"/>, with the cache <paramref name="hub"/> names.</summary>
    public static BaseModelLocation Locate(Lora.ExperimentConfig config, HubEnvironment hub)
    {
        // Built-in models live in a models/<name> folder beside the runtime assembly, or under LORA_MODELS_DIR.
        if (config.Model.IsBuiltIn)
        {
            foreach (var root in BuiltInRoots())
            {
                var candidate = Path.Combine(root, config.Model.Source);
                if (File.Exists(Path.Combine(candidate, "config.json"))) return new BaseModelLocation(candidate);
            }
            throw new ModelLoadException($"Built-in base model '{config.Model.Source}' was not found; looked in: {string.Join(", ", BuiltInRoots())}.");
        }
        var folder = config.ResolvePath(config.Model.Source);
        if (Directory.Exists(folder)) return new BaseModelLocation(folder);
        if (Lora.HubModelId.TryParse(config.Model.Source) is { } id)
        {
            var snapshot = HubModelLookup.Find(new HubCache(hub.CacheDirectory), id, config.Model.Revision, hub.Offline, out var problem)
                ?? throw new ModelLoadException($"[BaseModel(\"{config.Model.Source}\")] of experiment '{config.FullName}': there is no folder {folder}, and {problem}");
            return new BaseModelLocation(snapshot.Folder, snapshot);
        }
        throw new ModelLoadException($"[BaseModel(\"{config.Model.Source}\")] of experiment '{config.FullName}': folder {folder} does not exist.");
    }

    static IEnumerable<string> BuiltInRoots()
    {
        if (Environment.GetEnvironmentVariable("LORA_MODELS_DIR") is { Length: > 0 } configured) yield return configured;
        yield return Path.Combine(AppContext.BaseDirectory, "models");
        yield return Path.Combine(Path.GetDirectoryName(typeof(BaseModelLocator).Assembly.Location)!, "models");
    }
}
