using System.Collections.Generic;
using System.Linq;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>Resolves the adapter's target modules and checks them against the model family (LORA0043).</summary>
    internal static class TargetResolver
    {
        /// <summary>Checks the written targets and applies the family default when none are written.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The resolved settings.</param>
        /// <param name="model">What is known about the base model.</param>
        /// <returns>The targets the configuration will carry.</returns>
        public static IReadOnlyList<string> Resolve(ResolutionContext context, ResolvedSettings settings, BaseModelInfo model)
        {
            var argument = settings.Argument(AttributeKind.LoraAdapter, "Targets");
            if (argument is null || argument.Value.Kind != SettingKind.Array)
            {
                return model.Family?.DefaultTargets ?? new[] { ModelFamilies.AllLinear };
            }

            var targets = argument.Value.Elements.Select(e => e.Text ?? "").ToList();
            if (model.Family is not { } family)
            {
                return targets;
            }

            for (var i = 0; i < targets.Count; i++)
            {
                if (family.Select(targets[i]).Count > 0)
                {
                    continue;
                }

                var suggestion = EditDistance.Suggest(targets[i], family.TargetNames);
                var didYouMean = suggestion is null ? "" : " (did you mean '" + suggestion + "'?)";
                var expected = string.Join(", ", family.TargetNames);
                context.ReportWithSuggestion(
                    DiagnosticDescriptors.UnknownTargetModule,
                    argument.ElementLocation(i),
                    suggestion,
                    targets[i],
                    family.ModelType,
                    model.Display,
                    didYouMean,
                    expected);
            }

            return targets;
        }
    }
}
