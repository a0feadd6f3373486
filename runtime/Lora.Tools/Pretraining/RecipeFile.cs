using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lora.Tools.Pretraining;

/// <summary>Reads and writes <c>recipe.json</c>: camelCase keys, every key required, schedule as a name ("Cosine").</summary>
public static class RecipeFile
{
    public const string FileName = "recipe.json";

    public static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <exception cref="PretrainingException">The file is missing, is not a recipe, or a setting is out of range.</exception>
    public static PretrainingRecipe Load(string path)
    {
        if (!File.Exists(path))
            throw new PretrainingException($"{path}: recipe not found; the shipped one is models/lora-tiny-en/{FileName} beside the runtime.");
        PretrainingRecipe recipe;
        try
        {
            recipe = JsonSerializer.Deserialize<PretrainingRecipe>(File.ReadAllText(path), Json)
                     ?? throw new JsonException("the file holds null");
        }
        catch (JsonException e)
        {
            throw new PretrainingException($"{path}: not a pretraining recipe ({e.Message}).");
        }
        var problems = recipe.Problems().ToList();
        if (problems.Count > 0)
            throw new PretrainingException($"{path}: {string.Join(" ", problems)}");
        return recipe;
    }

    public static string Serialize(PretrainingRecipe recipe) => JsonSerializer.Serialize(recipe, Json) + "\n";
}
