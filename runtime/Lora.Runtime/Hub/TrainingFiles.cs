using System.Text.Json;

#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks.Hub;
#else
namespace Lora.Runtime.Hub;
#endif

/// <summary>
/// The files of a model repository that training reads, and nothing else (no PyTorch .bin, ONNX, GGUF or
/// Mistral's consolidated copy of the weights): the config and generation config, the safetensors weights (the shards
/// <c>model.safetensors.index.json</c> names, else <c>model.safetensors</c>), the tokenizer and the chat template.
/// </summary>
#if LORA_SDK_TASKS
internal
#else
public
#endif
static class TrainingFiles
{
    /// <summary>The model's configuration: the one file every model folder has.</summary>
    public const string Config = "config.json";

    /// <summary>A sharded checkpoint's index (its weight_map names the shards).</summary>
    public const string WeightsIndex = "model.safetensors.index.json";

    /// <summary>A checkpoint in one file.</summary>
    public const string Weights = "model.safetensors";

    /// <summary>Everything besides the weights that training, evaluation and merging read, when the repository has it.</summary>
    public static readonly IReadOnlyList<string> Metadata =
    [
        Config, "generation_config.json", WeightsIndex,
        "tokenizer.json", "tokenizer.model", "tokenizer_config.json", "special_tokens_map.json", "vocab.json", "merges.txt", "added_tokens.json",
        "chat_template.jinja", "chat_template.json",
    ];

    /// <summary>The files of <paramref name="repository"/> (its file list) that come before the weights, in that order.</summary>
    public static IReadOnlyList<string> MetadataOf(IReadOnlyCollection<string> repository) => Metadata.Where(repository.Contains).ToList();

    /// <summary>
    /// The weight files: the shards the index names when there is an index (<paramref name="indexPath"/>, already
    /// downloaded), else model.safetensors; empty when the repository has neither.
    /// </summary>
    public static IReadOnlyList<string> WeightsOf(IReadOnlyCollection<string> repository, string? indexPath)
    {
        if (indexPath is not null) return Shards(indexPath);
        return repository.Contains(Weights) ? [Weights] : [];
    }

    /// <summary>What a model folder lacks of a complete model: config.json, and every weight file (by its index when sharded).</summary>
    public static IReadOnlyList<string> Missing(string folder)
    {
        var missing = new List<string>();
        bool Has(string file) => HubCache.Resolves(Path.Combine([folder, .. file.Split('/')]));
        if (!Has(Config)) missing.Add(Config);
        if (Has(WeightsIndex))
        {
            try
            {
                missing.AddRange(Shards(Path.Combine(folder, WeightsIndex)).Where(shard => !Has(shard)));
            }
            catch (Exception e) when (e is JsonException or InvalidDataException)
            {
                missing.Add(WeightsIndex + " (unreadable: " + e.Message + ")");
            }
        }
        else if (!Has(Weights))
        {
            missing.Add(Weights);
        }
        return missing;
    }

    /// <summary>The distinct shard files of an index's weight_map, in order of first appearance.</summary>
    public static IReadOnlyList<string> Shards(string indexPath)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(indexPath));
        if (!json.RootElement.TryGetProperty("weight_map", out var map) || map.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{indexPath}: no \"weight_map\" object naming the shards.");
        var shards = new List<string>();
        foreach (var entry in map.EnumerateObject())
        {
            if (entry.Value.GetString() is not { Length: > 0 } shard)
                throw new InvalidDataException($"{indexPath}: tensor '{entry.Name}' has no shard file.");
            if (shard.Contains('\\') || shard.StartsWith('/') || shard.Split('/').Any(part => part is "" or "." or ".."))
                throw new InvalidDataException($"{indexPath}: shard '{shard}' of tensor '{entry.Name}' is not a file of the repository.");
            if (!shards.Contains(shard)) shards.Add(shard);
        }
        return shards;
    }
}
