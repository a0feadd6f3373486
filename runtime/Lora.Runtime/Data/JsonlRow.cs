using System.Text.Json.Nodes;

namespace Lora.Runtime.Data;

/// <summary>One parsed line of a JSONL file, with where it came from for error messages.</summary>
public sealed record JsonlRow(string File, int Line, JsonObject Value)
{
    public string Where => $"{File}:{Line}";

    /// <summary>A field as text; numbers and booleans are rendered as JSON writes them.</summary>
    public string Text(string field, bool required = true)
    {
        if (Value.TryGetPropertyValue(field, out var node) && node is not null)
            return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : node.ToJsonString();
        if (!required) return "";
        throw new DatasetException($"{Where}: field '{field}' is missing; the line has: {string.Join(", ", Value.Select(kv => kv.Key))}.");
    }
}
