using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates;

/// <summary>
/// Turns .NET and JSON values into the template's Python values, as json.loads would give them: objects keep key
/// order, integers stay integers ("1") and floats floats ("1.0").
/// </summary>
internal static class TemplateValues
{
    public static object? From(object? value) => value switch
    {
        null => null,
        string or bool or long or double => value,
        int i => (long)i,
        short or byte or sbyte or ushort or uint => Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture),
        float f => (double)f,
        decimal m => (double)m,
        JsonNode node => FromJson(JsonSerializer.SerializeToElement(node)),
        JsonElement element => FromJson(element),
        IDictionary dictionary => FromDictionary(dictionary),
        IEnumerable<KeyValuePair<string, object?>> pairs => FromPairs(pairs),
        IEnumerable sequence => sequence.Cast<object?>().Select(From).ToList(),
        _ => throw new ArgumentException($"A template variable cannot be a {value.GetType().Name}.", nameof(value)),
    };

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

    private static bool IsIntegerLiteral(string raw) => raw.All(c => char.IsAsciiDigit(c) || c == '-');

    private static PyDict FromJsonObject(JsonElement element)
    {
        var dict = new PyDict();
        // json.loads keeps the last of duplicate keys, in the position of the first.
        foreach (var property in element.EnumerateObject())
            dict[property.Name] = FromJson(property.Value);
        return dict;
    }

    private static PyDict FromDictionary(IDictionary dictionary)
    {
        var dict = new PyDict();
        foreach (DictionaryEntry entry in dictionary)
            dict[PyDict.ToKey(From(entry.Key))] = From(entry.Value);
        return dict;
    }

    private static PyDict FromPairs(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        var dict = new PyDict();
        foreach (var pair in pairs)
            dict[pair.Key] = From(pair.Value);
        return dict;
    }
}
