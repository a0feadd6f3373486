using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates;

/// <summary>The runtime's JSON values (System.Text.Json's JsonElement and JsonNode) as template values.</summary>
internal static partial class TemplateValues
{
    public static object? FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => element.GetString(),
        JsonValueKind.Number => IsIntegerLiteral(element.GetRawText()) && element.TryGetInt64(out var l) ? (object)l : element.GetDouble(),
        JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
        JsonValueKind.Object => FromJsonObject(element),
        _ => throw new ArgumentException($"Unexpected JSON value {element.ValueKind}."),
    };

    private static partial bool TryFromJson(object value, out object? converted)
    {
        switch (value)
        {
            case JsonNode node:
                converted = FromJson(JsonSerializer.SerializeToElement(node));
                return true;
            case JsonElement element:
                converted = FromJson(element);
                return true;
            default:
                converted = null;
                return false;
        }
    }

    private static bool IsIntegerLiteral(string raw) => raw.All(c => char.IsAsciiDigit(c) || c == '-');

    private static PyDict FromJsonObject(JsonElement element)
    {
        var dict = new PyDict();
        // json.loads keeps the last of duplicate keys, in the position of the first.
        foreach (var property in element.EnumerateObject())
            dict[property.Name] = FromJson(property.Value);
        return dict;
    }
}
