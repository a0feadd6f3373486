using System;
using System.Collections.Generic;
using System.Linq;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>Checks the Prompt and Completion templates of [Dataset&lt;TRow&gt;] against the row type (LORA0053, 0054).</summary>
    internal static class TemplateValidator
    {
        /// <summary>Checks the templates.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The resolved settings.</param>
        /// <returns>Each valid placeholder with the template that uses it, for the dataset check.</returns>
        public static IReadOnlyList<(string Placeholder, string Template)> Validate(ResolutionContext context, ResolvedSettings settings)
        {
            var used = new List<(string, string)>();
            var attribute = context.Spec.Find(AttributeKind.TypedDataset);
            if (settings.DatasetKind != AttributeKind.TypedDataset || attribute is null)
            {
                return used;
            }

            var row = context.Spec.RowType;
            var rowName = row?.Name ?? "TRow";
            var completion = attribute.Find("Completion");
            if (completion?.Value.Text is null)
            {
                context.Report(DiagnosticDescriptors.InvalidTemplate, completion?.Location ?? attribute.Location, "Completion", rowName, "is missing", "a template of the text the model learns to produce, e.g. Completion = \" {" + (row?.Properties.FirstOrDefault() ?? "Label") + "}\"");
            }
            else if (completion.Value.Text.Length == 0)
            {
                context.Report(DiagnosticDescriptors.InvalidTemplate, completion.Location, "Completion", rowName, "is empty", "a template of the text the model learns to produce");
            }

            foreach (var (name, argument) in new[] { ("Prompt", attribute.Find("Prompt")), ("Completion", completion) })
            {
                if (argument?.Value.Text is not { } text)
                {
                    continue;
                }

                var error = TemplateParser.Parse(text, out var placeholders);
                if (error is not null)
                {
                    context.Report(DiagnosticDescriptors.InvalidTemplate, argument.Location, name, rowName, "has " + error, "placeholders written as {Property}, with {{ and }} for literal braces");
                    continue;
                }

                foreach (var placeholder in placeholders.Distinct())
                {
                    if (row is not null && !row.Properties.Contains(placeholder))
                    {
                        var suggestion = EditDistance.Suggest(placeholder, row.Properties);
                        var didYouMean = suggestion is null ? "" : " (did you mean '" + suggestion + "'?)";
                        context.ReportWithSuggestion(DiagnosticDescriptors.UnknownPlaceholder, argument.Location, suggestion, placeholder, "the " + name + " template", row.Name, didYouMean, string.Join(", ", row.Properties));
                        continue;
                    }

                    if (!used.Any(u => string.Equals(u.Item1, placeholder, StringComparison.OrdinalIgnoreCase)))
                    {
                        used.Add((placeholder, "the " + name + " template"));
                    }
                }
            }

            return used;
        }
    }
}
