using System.Globalization;
using Lora.Generators.Json;

namespace Lora.Generators.Resolving
{
    /// <summary>Checks one parsed dataset line against a <see cref="FieldRequirement"/>.</summary>
    internal static class DatasetLineChecker
    {
        /// <summary>Finds the first part of the line that does not meet the requirement.</summary>
        /// <param name="line">The parsed line (an object).</param>
        /// <param name="requirement">The requirement.</param>
        /// <returns>The missing or malformed field's path (e.g. <c>messages[1].content</c>) and what it must hold; null when the line meets it.</returns>
        public static (string Path, string Expected)? FindProblem(JsonNode line, FieldRequirement requirement)
        {
            var value = line.Get(requirement.Field, requirement.IgnoreCase);
            var problem = (requirement.Field, requirement.ShapeDescription);
            switch (requirement.Shape)
            {
                case FieldShape.AnyValue:
                    return value is null ? problem : null;
                case FieldShape.String:
                    return value is { Kind: JsonKind.String } ? null : problem;
                case FieldShape.IntegerArray:
                    if (value is not { Kind: JsonKind.Array } ids || ids.Items.Count == 0)
                    {
                        return problem;
                    }

                    foreach (var id in ids.Items)
                    {
                        if (id is not { Kind: JsonKind.Number, IsInteger: true })
                        {
                            return problem;
                        }
                    }

                    return null;
                default:
                    return FindChatProblem(value, problem);
            }
        }

        private static (string, string)? FindChatProblem(JsonNode? value, (string, string) problem)
        {
            if (value is not { Kind: JsonKind.Array } messages || messages.Items.Count == 0)
            {
                return problem;
            }

            for (var i = 0; i < messages.Items.Count; i++)
            {
                var prefix = "messages[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                var message = messages.Items[i];
                if (message.Kind != JsonKind.Object)
                {
                    return (prefix, "an object with \"role\" and \"content\"");
                }

                foreach (var field in new[] { "role", "content" })
                {
                    if (message.Get(field) is not { Kind: JsonKind.String })
                    {
                        return (prefix + "." + field, "a string");
                    }
                }
            }

            return null;
        }
    }
}
