using System.Collections.Generic;

namespace Lora.Generators.Json
{
    /// <summary>The kinds of JSON values.</summary>
    internal enum JsonKind
    {
        /// <summary>An object.</summary>
        Object,

        /// <summary>An array.</summary>
        Array,

        /// <summary>A string.</summary>
        String,

        /// <summary>A number.</summary>
        Number,

        /// <summary>true or false.</summary>
        Boolean,

        /// <summary>null.</summary>
        Null,
    }

    /// <summary>A parsed JSON value; only the parts the generator checks are kept.</summary>
    internal sealed class JsonNode
    {
        private JsonNode(JsonKind kind)
        {
            Kind = kind;
        }

        /// <summary>The value's kind.</summary>
        public JsonKind Kind { get; }

        /// <summary>The members of an object, in file order.</summary>
        public List<KeyValuePair<string, JsonNode>> Members { get; } = new();

        /// <summary>The items of an array.</summary>
        public List<JsonNode> Items { get; } = new();

        /// <summary>The text of a string.</summary>
        public string Text { get; private set; } = "";

        /// <summary>The value of a number or boolean (1 for true).</summary>
        public double Number { get; private set; }

        /// <summary>Whether a number was written without fraction or exponent.</summary>
        public bool IsInteger { get; private set; }

        /// <summary>Creates an empty object.</summary>
        /// <returns>The node.</returns>
        public static JsonNode NewObject() => new(JsonKind.Object);

        /// <summary>Creates an empty array.</summary>
        /// <returns>The node.</returns>
        public static JsonNode NewArray() => new(JsonKind.Array);

        /// <summary>Creates a string.</summary>
        /// <param name="text">The string's text.</param>
        /// <returns>The node.</returns>
        public static JsonNode NewString(string text) => new(JsonKind.String) { Text = text };

        /// <summary>Creates a number.</summary>
        /// <param name="value">The value.</param>
        /// <param name="isInteger">Whether it was written as an integer.</param>
        /// <returns>The node.</returns>
        public static JsonNode NewNumber(double value, bool isInteger) => new(JsonKind.Number) { Number = value, IsInteger = isInteger };

        /// <summary>Creates a boolean.</summary>
        /// <param name="value">The value.</param>
        /// <returns>The node.</returns>
        public static JsonNode NewBoolean(bool value) => new(JsonKind.Boolean) { Number = value ? 1 : 0 };

        /// <summary>Creates null.</summary>
        /// <returns>The node.</returns>
        public static JsonNode NewNull() => new(JsonKind.Null);

        /// <summary>The member named <paramref name="name"/> of an object (first match), or null.</summary>
        /// <param name="name">The member name.</param>
        /// <param name="ignoreCase">Whether to ignore case.</param>
        /// <returns>The member's value, or null when absent or when this is not an object.</returns>
        public JsonNode? Get(string name, bool ignoreCase = false)
        {
            foreach (var member in Members)
            {
                if (string.Equals(member.Key, name, ignoreCase ? System.StringComparison.OrdinalIgnoreCase : System.StringComparison.Ordinal))
                {
                    return member.Value;
                }
            }

            return null;
        }
    }
}
