using System.Collections.Generic;
using Lora.Generators.Json;
using Lora.Runtime.ChatTemplates.Values;

namespace Lora.Runtime.ChatTemplates
{
    /// <summary>
    /// The generator's part of the chat-template engine's value conversion: a <see cref="JsonNode"/> becomes what
    /// json.loads gives, as the runtime's System.Text.Json part does (objects keep key order, the last of duplicate keys
    /// wins in the place of the first, integers stay integers).
    /// </summary>
    internal static partial class TemplateValues
    {
        private static partial bool TryFromJson(object value, out object? converted)
        {
            if (value is JsonNode node)
            {
                converted = FromNode(node);
                return true;
            }

            converted = null;
            return false;
        }

        private static object? FromNode(JsonNode node)
        {
            switch (node.Kind)
            {
                case JsonKind.String:
                    return node.Text;
                case JsonKind.Number:
                    return node.IsInteger && node.Number >= long.MinValue && node.Number < long.MaxValue ? (long)node.Number : (object)node.Number;
                case JsonKind.Boolean:
                    return node.Number != 0;
                case JsonKind.Array:
                    var list = new List<object?>(node.Items.Count);
                    foreach (var item in node.Items)
                    {
                        list.Add(FromNode(item));
                    }

                    return list;
                case JsonKind.Object:
                    var dict = new PyDict();
                    foreach (var member in node.Members)
                    {
                        dict[member.Key] = FromNode(member.Value);
                    }

                    return dict;
                default:
                    return null;
            }
        }
    }
}
