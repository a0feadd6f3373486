using System.Collections.Generic;

namespace Lora.Generators.Json
{
    /// <summary>A <see cref="JsonNode"/> as the shared config.json reader sees it (<see cref="IConfigValue"/>); JSON null reads as absent.</summary>
    internal sealed class JsonNodeConfigValue : IConfigValue
    {
        private readonly JsonNode _node;

        private JsonNodeConfigValue(JsonNode node)
        {
            _node = node;
        }

        /// <inheritdoc/>
        public ConfigValueKind Kind => _node.Kind switch
        {
            JsonKind.Object => ConfigValueKind.Object,
            JsonKind.Array => ConfigValueKind.Array,
            JsonKind.String => ConfigValueKind.String,
            JsonKind.Number => ConfigValueKind.Number,
            _ => ConfigValueKind.Boolean,
        };

        /// <inheritdoc/>
        public string Text => _node.Text;

        /// <inheritdoc/>
        public double Number => _node.Number;

        /// <inheritdoc/>
        public bool IsInteger => _node.IsInteger;

        /// <inheritdoc/>
        public bool IsTrue => _node.Kind == JsonKind.Boolean && _node.Number != 0;

        /// <inheritdoc/>
        public IReadOnlyList<IConfigValue?> Items
        {
            get
            {
                var items = new List<IConfigValue?>(_node.Items.Count);
                foreach (var item in _node.Items)
                {
                    items.Add(Of(item));
                }

                return items;
            }
        }

        /// <summary>Wraps a node.</summary>
        /// <param name="node">The node, or null.</param>
        /// <returns>The value; null for a null node or JSON null.</returns>
        public static IConfigValue? Of(JsonNode? node) => node is null || node.Kind == JsonKind.Null ? null : new JsonNodeConfigValue(node);

        /// <inheritdoc/>
        public IConfigValue? Member(string name) => _node.Kind == JsonKind.Object ? Of(_node.Get(name)) : null;

        /// <inheritdoc/>
        public bool Has(string name) => _node.Kind == JsonKind.Object && _node.Get(name) is not null;
    }
}
