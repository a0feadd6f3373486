using System.Collections.Generic;
using System.Globalization;

namespace Lora.Generators.Resolving
{
    /// <summary>Parses <c>{Property}</c> placeholders of a Dataset&lt;TRow&gt; template; <c>{{</c> and <c>}}</c> are literal braces.</summary>
    internal static class TemplateParser
    {
        /// <summary>Parses a template.</summary>
        /// <param name="template">The template text.</param>
        /// <param name="placeholders">The placeholder names in order (repeats kept).</param>
        /// <returns>What is malformed ("an unclosed '{' at position 9"), or null when the template is valid.</returns>
        public static string? Parse(string template, out IReadOnlyList<string> placeholders)
        {
            var found = new List<string>();
            placeholders = found;
            for (var i = 0; i < template.Length; i++)
            {
                var c = template[i];
                if (c == '}')
                {
                    if (i + 1 < template.Length && template[i + 1] == '}')
                    {
                        i++;
                        continue;
                    }

                    return "a '}' without '{' at position " + Position(i);
                }

                if (c != '{')
                {
                    continue;
                }

                if (i + 1 < template.Length && template[i + 1] == '{')
                {
                    i++;
                    continue;
                }

                var close = template.IndexOf('}', i + 1);
                if (close < 0)
                {
                    return "an unclosed '{' at position " + Position(i);
                }

                var name = template.Substring(i + 1, close - i - 1).Trim();
                if (!IsIdentifier(name))
                {
                    return "a placeholder '{" + name + "}' at position " + Position(i) + " that is not a property name";
                }

                found.Add(name);
                i = close;
            }

            return null;
        }

        private static bool IsIdentifier(string name)
        {
            if (name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_'))
            {
                return false;
            }

            foreach (var c in name)
            {
                if (!(char.IsLetterOrDigit(c) || c == '_'))
                {
                    return false;
                }
            }

            return true;
        }

        private static string Position(int index) => (index + 1).ToString(CultureInfo.InvariantCulture);
    }
}
