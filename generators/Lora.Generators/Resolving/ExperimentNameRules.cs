using System.Text;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>Experiment names become folder names: lower-case letters, digits, '-', '_' and '.', starting with a letter or digit (LORA0004).</summary>
    internal static class ExperimentNameRules
    {
        /// <summary>Checks the [Experiment] name.</summary>
        /// <param name="context">The resolution context.</param>
        /// <returns>The name, or null when it is absent.</returns>
        public static string? Validate(ResolutionContext context)
        {
            var argument = context.Spec.Find(AttributeKind.Experiment)?.Find("Name");
            if (argument is null)
            {
                return null;
            }

            var name = argument.Value.Text ?? "";
            var problem = Problem(name);
            if (problem is not null)
            {
                context.Report(DiagnosticDescriptors.InvalidExperimentName, argument.Location, name, problem, Suggest(name, context.Spec.Type.Name));
            }

            return name;
        }

        /// <summary>What is wrong with a name, or null when it is valid.</summary>
        /// <param name="name">The name.</param>
        /// <returns>The problem in words.</returns>
        public static string? Problem(string name)
        {
            if (name.Length == 0)
            {
                return "is empty";
            }

            foreach (var c in name)
            {
                if (c is >= 'A' and <= 'Z')
                {
                    return "has upper-case letters";
                }
            }

            if (!IsLetterOrDigit(name[0]))
            {
                return "starts with '" + name[0] + "'";
            }

            foreach (var c in name)
            {
                if (!IsLetterOrDigit(c) && c is not ('-' or '_' or '.'))
                {
                    return "contains '" + c + "'";
                }
            }

            return null;
        }

        private static string Suggest(string name, string typeName)
        {
            var source = name.Trim().Length > 0 ? name : typeName;
            var builder = new StringBuilder();
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                if (c is >= 'A' and <= 'Z' && i > 0 && char.IsLower(source[i - 1]))
                {
                    builder.Append('-');
                }

                var lower = char.ToLowerInvariant(c);
                if (IsLetterOrDigit(lower) || lower is '_' or '.')
                {
                    builder.Append(lower);
                }
                else if (builder.Length > 0 && builder[builder.Length - 1] != '-')
                {
                    builder.Append('-');
                }
            }

            var suggestion = builder.ToString().Trim('-', '.', '_');
            return suggestion.Length == 0 ? "my-experiment" : suggestion;
        }

        private static bool IsLetterOrDigit(char c) => c is (>= 'a' and <= 'z') or (>= '0' and <= '9');
    }
}
