using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lora.Runtime.Models;

/// <summary>
/// A System.Text.Json node as the shared config reader sees it (<see cref="Lora.IConfigValue"/>). A number is judged by its
/// JSON text, as the generator's parser judges it: an integer is written without fraction or exponent.
/// </summary>
sealed class SystemTextJsonConfigValue(JsonNode node) : Lora.IConfigValue
{
    public Lora.ConfigValueKind Kind => node.GetValueKind() switch
    {
        JsonValueKind.Object => Lora.ConfigValueKind.Object,
        JsonValueKind.Array => Lora.ConfigValueKind.Array,
        JsonValueKind.String => Lora.ConfigValueKind.String,
        JsonValueKind.Number => Lora.ConfigValueKind.Number,
        _ => Lora.ConfigValueKind.Boolean,
    };

    public string Text => node.GetValue<string>();
    public double Number => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
    public bool IsInteger => node.ToJsonString().AsSpan().IndexOfAny('.', 'e', 'E') < 0;
    public bool IsTrue => node.GetValueKind() == JsonValueKind.True;
    public IReadOnlyList<Lora.IConfigValue?> Items => node is JsonArray array ? array.Select(Of).ToArray() : [];

    public Lora.IConfigValue? Member(string name) => node is JsonObject o && o.TryGetPropertyValue(name, out var value) ? Of(value) : null;

    public bool Has(string name) => node is JsonObject o && o.ContainsKey(name);

    /// <summary>JSON null reads as absent.</summary>
    static Lora.IConfigValue? Of(JsonNode? node) => node is null ? null : new SystemTextJsonConfigValue(node);
}
