using System.Collections.Generic;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>The fields each dataset format (or the templates of typed rows) needs on every line.</summary>
    internal static class DatasetRequirements
    {
        /// <summary>Lists the required fields.</summary>
        /// <param name="settings">The resolved settings.</param>
        /// <param name="placeholders">The valid template placeholders of typed rows.</param>
        /// <returns>The requirements.</returns>
        public static IReadOnlyList<FieldRequirement> For(ResolvedSettings settings, IReadOnlyList<(string Placeholder, string Template)> placeholders)
        {
            var list = new List<FieldRequirement>();
            if (settings.DatasetKind == AttributeKind.TypedDataset)
            {
                foreach (var (placeholder, template) in placeholders)
                {
                    list.Add(new FieldRequirement(placeholder, FieldShape.AnyValue, template, "the template", IgnoreCase: true));
                }

                return list;
            }

            var format = settings.Get(AttributeKind.Dataset, "Format").Text;
            var needer = "DatasetFormat." + format;
            switch (format)
            {
                case "Alpaca":
                    list.Add(new FieldRequirement("instruction", FieldShape.String, needer, "Format", false));
                    list.Add(new FieldRequirement("output", FieldShape.String, needer, "Format", false));
                    break;
                case "Chat":
                    list.Add(new FieldRequirement("messages", FieldShape.ChatMessages, needer, "Format", false));
                    break;
                case "TokenIds":
                    list.Add(new FieldRequirement("input_ids", FieldShape.IntegerArray, needer, "Format", false));
                    break;
                case "Jsonl":
                    var field = settings.Get(AttributeKind.Dataset, "TextField").Text ?? "text";
                    list.Add(new FieldRequirement(field, FieldShape.String, needer + " with TextField = \"" + field + "\"", "TextField or Format", false));
                    break;
            }

            return list;
        }
    }
}
