using System.Text;
using System.Text.Json;

namespace Lora.Runtime.Safetensors;

/// <summary>Words for the JSON token under a reader, so that messages can say what was found.</summary>
internal static class JsonTokens
{
    private const int MaxQuotedLength = 80;

    public static string Describe(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => $"string \"{Shorten(reader.GetString() ?? "")}\"",
        JsonTokenType.Number => $"number {Encoding.UTF8.GetString(reader.ValueSpan)}",
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => "null",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => reader.TokenType.ToString(),
    };

    private static string Shorten(string text) =>
        text.Length <= MaxQuotedLength ? text : text[..MaxQuotedLength] + "…";
}
