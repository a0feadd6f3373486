using System.Collections.Generic;
using System.Globalization;
using System.Text;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>Names sweep variants: <c>rank-8</c> for artifacts and <c>Rank8</c> for the C# property.</summary>
    internal static class VariantNamer
    {
        /// <summary>The artifact name part of one swept value: kebab-case setting, '-', the value.</summary>
        /// <param name="setting">The setting, e.g. <c>LearningRate</c>.</param>
        /// <param name="value">The value.</param>
        /// <returns>e.g. <c>learning-rate-0.0002</c>.</returns>
        public static string NamePart(string setting, SettingValue value) => Kebab(setting) + "-" + ValueText(value);

        /// <summary>The identifier part of one swept value: the setting and the value with non-identifier characters as '_'.</summary>
        /// <param name="setting">The setting.</param>
        /// <param name="value">The value.</param>
        /// <returns>e.g. <c>LearningRate0_0002</c>.</returns>
        public static string IdentifierPart(string setting, SettingValue value)
        {
            var text = value.Kind switch
            {
                SettingKind.Enum => value.Text ?? ValueText(value),
                SettingKind.Bool => value.AsBool ? "True" : "False",
                _ => ValueText(value),
            };
            var builder = new StringBuilder(setting);
            foreach (var c in text)
            {
                builder.Append(char.IsLetterOrDigit(c) ? c : '_');
            }

            return builder.ToString();
        }

        /// <summary>Makes identifiers unique by appending a counter to repeats.</summary>
        /// <param name="identifiers">The identifiers.</param>
        /// <returns>Unique identifiers, in order.</returns>
        public static IReadOnlyList<string> Unique(IReadOnlyList<string> identifiers)
        {
            var seen = new HashSet<string>();
            var result = new List<string>(identifiers.Count);
            foreach (var identifier in identifiers)
            {
                var candidate = identifier;
                for (var n = 2; !seen.Add(candidate); n++)
                {
                    candidate = identifier + "_" + n.ToString(CultureInfo.InvariantCulture);
                }

                result.Add(candidate);
            }

            return result;
        }

        /// <summary>PascalCase to kebab-case: <c>LearningRate</c> → <c>learning-rate</c>, <c>DType</c> → <c>d-type</c>.</summary>
        /// <param name="name">The name.</param>
        /// <returns>The kebab-case name.</returns>
        public static string Kebab(string name)
        {
            var builder = new StringBuilder();
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                var boundary = i > 0 && char.IsUpper(c)
                    && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]) || (i + 1 < name.Length && char.IsLower(name[i + 1])));
                if (boundary)
                {
                    builder.Append('-');
                }

                builder.Append(char.ToLowerInvariant(c));
            }

            return builder.ToString();
        }

        private static string ValueText(SettingValue value) => value.Kind switch
        {
            SettingKind.Int => value.Integer.ToString(CultureInfo.InvariantCulture),
            SettingKind.Double => value.Number.ToString("R", CultureInfo.InvariantCulture).ToLowerInvariant(),
            SettingKind.Bool => value.AsBool ? "true" : "false",
            SettingKind.Enum => (value.Text ?? value.Integer.ToString(CultureInfo.InvariantCulture)).ToLowerInvariant(),
            SettingKind.String => Sanitize(value.Text ?? ""),
            _ => "null",
        };

        private static string Sanitize(string text)
        {
            var builder = new StringBuilder();
            foreach (var c in text.ToLowerInvariant())
            {
                builder.Append(char.IsLetterOrDigit(c) || c is '.' or '_' ? c : '-');
            }

            return builder.ToString();
        }
    }
}
