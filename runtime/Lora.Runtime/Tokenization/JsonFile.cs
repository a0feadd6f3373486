using System.Text.Json;

namespace Lora.Runtime.Tokenization;

/// <summary>Reads the JSON files of a model folder, turning syntax errors into errors that name the file.</summary>
internal static class JsonFile
{
    private static readonly JsonDocumentOptions Options = new()
    {
        // Hand-edited config files sometimes carry these; Hugging Face's Python loader accepts neither,
        // but refusing them here would help no one.
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
        MaxDepth = 256,
    };

    public static JsonDocument Parse(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream, Options);
        }
        catch (JsonException e)
        {
            throw new TokenizerLoadException(path, "a valid JSON document",
                $"a syntax error at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1} ({e.Message})", e);
        }
    }

    /// <summary>Parses <paramref name="path"/> if it exists; a missing optional file is not an error.</summary>
    public static JsonDocument? ParseIfExists(string path) => File.Exists(path) ? Parse(path) : null;

    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => "a JSON object",
        JsonValueKind.Array => "a JSON array",
        JsonValueKind.String => $"the string \"{Truncate(element.GetString()!)}\"",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the value {element.GetRawText()}",
        _ => "null",
    };

    private static string Truncate(string text) => text.Length <= 60 ? text : text[..60] + "…";
}
