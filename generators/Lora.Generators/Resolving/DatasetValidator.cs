using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Lora.Generators.Files;
using Lora.Generators.Json;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>Checks that the training (and evaluation) file is among the AdditionalFiles and that its first lines carry what the format or templates need (LORA0050–0052, 0055).</summary>
    internal static class DatasetValidator
    {
        /// <summary>Checks the dataset files.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The resolved settings.</param>
        /// <param name="requirements">The fields each line needs.</param>
        public static void Validate(ResolutionContext context, ResolvedSettings settings, IReadOnlyList<FieldRequirement> requirements)
        {
            var attribute = context.Spec.Find(settings.DatasetKind);
            if (attribute is null)
            {
                return;
            }

            foreach (var name in new[] { "Path", "EvalPath" })
            {
                if (attribute.Find(name) is { Value.Text: { } } argument)
                {
                    CheckFile(context, argument, requirements);
                }
            }
        }

        private static void CheckFile(ResolutionContext context, ArgumentSpec argument, IReadOnlyList<FieldRequirement> requirements)
        {
            var written = argument.Value.Text!;
            var path = ProjectPath.Resolve(context.ProjectDirectory, written);
            var file = context.Files.Find(path);
            if (file is null)
            {
                context.Report(DiagnosticDescriptors.DatasetNotFound, argument.Location, written, path);
                return;
            }

            if (file.Head.Count == 0)
            {
                context.Report(DiagnosticDescriptors.DatasetEmpty, argument.Location, written);
                return;
            }

            var reportedSyntax = false;
            var reportedField = false;
            foreach (var line in file.Head)
            {
                var parsed = JsonReader.Parse(line.Text);
                if (parsed.Value is not { Kind: JsonKind.Object } row)
                {
                    if (!reportedSyntax)
                    {
                        var (error, column) = parsed.Value is null ? (parsed.Error!, parsed.Column) : ("it is " + Describe(parsed.Value.Kind), 1);
                        context.Report(DiagnosticDescriptors.DatasetLineInvalid, argument.Location, Text(line.Number), written, error, Text(column));
                        reportedSyntax = true;
                    }

                    continue;
                }

                if (!reportedField)
                {
                    reportedField = CheckFields(context, argument, written, line, row, requirements);
                }
            }
        }

        private static bool CheckFields(ResolutionContext context, ArgumentSpec argument, string written, DatasetLine line, JsonNode row, IReadOnlyList<FieldRequirement> requirements)
        {
            foreach (var requirement in requirements)
            {
                if (DatasetLineChecker.FindProblem(row, requirement) is not { } problem)
                {
                    continue;
                }

                var found = row.Members.Count == 0 ? "no fields" : "fields " + string.Join(", ", row.Members.Take(8).Select(m => m.Key));
                context.Report(
                    DiagnosticDescriptors.DatasetFieldMissing,
                    argument.Location,
                    Text(line.Number),
                    written,
                    problem.Path,
                    problem.Expected,
                    requirement.NeededBy,
                    found,
                    requirement.ChangeWhat);
                return true;
            }

            return false;
        }

        private static string Describe(JsonKind kind) => kind switch
        {
            JsonKind.Array => "an array",
            JsonKind.String => "a string",
            JsonKind.Number => "a number",
            JsonKind.Boolean => "a boolean",
            _ => "null",
        };

        private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
    }
}
