using System.Text.Json;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// The optional JSON files of a Hugging Face model folder that name special tokens, each parsed once
/// (null when the folder lacks it).
/// </summary>
internal sealed class ModelConfigFiles : IDisposable
{
    public const string TokenizerConfig = "tokenizer_config.json";
    public const string SpecialTokensMap = "special_tokens_map.json";
    public const string GenerationConfig = "generation_config.json";
    public const string ModelConfig = "config.json";

    private ModelConfigFiles(string folder)
    {
        TokenizerConfigFile = Open(folder, TokenizerConfig);
        SpecialTokensMapFile = Open(folder, SpecialTokensMap);
        GenerationConfigFile = Open(folder, GenerationConfig);
        ModelConfigFile = Open(folder, ModelConfig);
    }

    public ConfigFile? TokenizerConfigFile { get; }
    public ConfigFile? SpecialTokensMapFile { get; }
    public ConfigFile? GenerationConfigFile { get; }
    public ConfigFile? ModelConfigFile { get; }

    public static ModelConfigFiles Read(string folder) => new(folder);

    /// <summary>
    /// tokenizer_config.json's "added_tokens_decoder" ({"id": {"content": ..., "special": ...}}): the
    /// added tokens of folders that have no tokenizer.json (and a repeat of its list in those that do).
    /// </summary>
    public IEnumerable<AddedToken> ReadAddedTokensDecoder()
    {
        if (TokenizerConfigFile is not { } config
            || !config.Root.TryGetProperty("added_tokens_decoder", out var decoder)
            || decoder.ValueKind != JsonValueKind.Object)
        {
            yield break;
        }
        foreach (var entry in decoder.EnumerateObject())
        {
            if (!int.TryParse(entry.Name, out int id) || id < 0
                || entry.Value.ValueKind != JsonValueKind.Object
                || !entry.Value.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                throw new TokenizerLoadException(config.Path, "added_tokens_decoder entries \"<id>\": {\"content\": ...}",
                    $"\"{entry.Name}\": {entry.Value.GetRawText()}");
            }
            bool special = entry.Value.TryGetProperty("special", out var flag) && flag.ValueKind == JsonValueKind.True;
            yield return new AddedToken(content.GetString()!, id, special);
        }
    }

    public void Dispose()
    {
        TokenizerConfigFile?.Document.Dispose();
        SpecialTokensMapFile?.Document.Dispose();
        GenerationConfigFile?.Document.Dispose();
        ModelConfigFile?.Document.Dispose();
    }

    private static ConfigFile? Open(string folder, string name)
    {
        string path = Path.Combine(folder, name);
        var document = JsonFile.ParseIfExists(path);
        if (document is null)
        {
            return null;
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            var found = JsonFile.Describe(document.RootElement);
            document.Dispose();
            throw new TokenizerLoadException(path, "a JSON object", found);
        }
        return new ConfigFile(path, document);
    }
}

/// <summary>One parsed config file and where it came from (for error messages).</summary>
internal sealed record ConfigFile(string Path, JsonDocument Document)
{
    public JsonElement Root => Document.RootElement;
}
