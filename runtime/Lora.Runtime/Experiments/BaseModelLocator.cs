using Lora.Runtime.Models;

namespace Lora.Runtime.Experiments;

/// <summary>Resolves <c>[BaseModel]</c>: a folder relative to the project, or the name of a model that ships with Lora.Sdk.</summary>
public static class BaseModelLocator
{
    /// <summary>Built-in models live in a <c>models/&lt;name&gt;</c> folder beside the runtime assembly, or under LORA_MODELS_DIR.</summary>
    public static string Resolve(Lora.ExperimentConfig config)
    {
        if (config.Model.IsBuiltIn)
        {
            foreach (var root in BuiltInRoots())
            {
                var candidate = Path.Combine(root, config.Model.Source);
                if (File.Exists(Path.Combine(candidate, "config.json"))) return candidate;
            }
            throw new ModelLoadException($"Built-in base model '{config.Model.Source}' was not found; looked in: {string.Join(", ", BuiltInRoots())}.");
        }
        var folder = config.ResolvePath(config.Model.Source);
        if (!Directory.Exists(folder))
            throw new ModelLoadException($"[BaseModel(\"{config.Model.Source}\")] of experiment '{config.FullName}': folder {folder} does not exist.");
        return folder;
    }

    static IEnumerable<string> BuiltInRoots()
    {
        if (Environment.GetEnvironmentVariable("LORA_MODELS_DIR") is { Length: > 0 } configured) yield return configured;
        yield return Path.Combine(AppContext.BaseDirectory, "models");
        yield return Path.Combine(Path.GetDirectoryName(typeof(BaseModelLocator).Assembly.Location)!, "models");
    }
}
