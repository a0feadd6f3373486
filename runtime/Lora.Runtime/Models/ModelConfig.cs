using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lora.Runtime.Models;

/// <summary>
/// A model folder's <c>config.json</c>: the values the one config reader (<see cref="Lora.ModelConfigParser"/>, shared with
/// the generator) makes of it, and the file's own JSON and path.
/// </summary>
public sealed record ModelConfig : Lora.ModelConfigValues
{
    ModelConfig(Lora.ModelConfigValues values, JsonObject raw, string path) : base(values)
    {
        Raw = raw;
        SourcePath = path;
    }

    /// <summary>The model types the runtime loads: the model table's (<see cref="Lora.ModelFamilies"/>), shared with the generator.</summary>
    public static IReadOnlyList<string> SupportedModelTypes => Lora.ModelFamilies.ModelTypes;

    /// <summary>The file's own JSON, kept so that a merged model is saved with every key it came with.</summary>
    public JsonObject Raw { get; init; }
    public string SourcePath { get; init; }

    public static ModelConfig Load(string path)
    {
        if (!File.Exists(path))
            throw new ModelLoadException($"{path}: config.json not found; a Hugging Face model folder holds config.json beside its safetensors files.");
        JsonObject json;
        try { json = JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? throw new JsonException("not a JSON object"); }
        catch (JsonException e) { throw new ModelLoadException($"{path}: not valid JSON ({e.Message})."); }
        return Parse(json, path);
    }

    public static ModelConfig Parse(JsonObject json, string path = "config.json")
    {
        try { return new ModelConfig(Lora.ModelConfigParser.Parse(new SystemTextJsonConfigValue(json), path), json, path); }
        catch (Lora.ModelConfigException e) { throw new ModelLoadException(e.Message, e); }
    }
}
