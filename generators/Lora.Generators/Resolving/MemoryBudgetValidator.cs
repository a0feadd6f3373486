using System.Collections.Generic;
using Lora.Generators.Diagnostics;

namespace Lora.Generators.Resolving
{
    /// <summary>Estimates peak memory of every configuration and warns when one exceeds LoraMemoryBudget (LORA0060).</summary>
    internal static class MemoryBudgetValidator
    {
        /// <summary>Estimates and checks.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The unswept settings.</param>
        /// <param name="model">What is known about the base model.</param>
        /// <param name="targets">The resolved targets.</param>
        /// <param name="variants">The sweep variants.</param>
        /// <param name="experimentName">The experiment name, for messages.</param>
        /// <returns>The unswept configuration's estimate in words, or null without model sizes.</returns>
        public static string? Validate(ResolutionContext context, ResolvedSettings settings, BaseModelInfo model, IReadOnlyList<string> targets, IReadOnlyList<VariantPlan> variants, string experimentName)
        {
            if (model.Family is not { } family || model.Dimensions is not { } dims)
            {
                return null;
            }

            var baseEstimate = MemoryEstimator.Estimate(family, dims, MemoryRequestBuilder.Build(settings, targets));
            if (context.Options.MemoryBudgetBytes is not { } budget)
            {
                return baseEstimate.Describe();
            }

            var worst = baseEstimate;
            var worstName = experimentName;
            foreach (var variant in variants)
            {
                var estimate = MemoryEstimator.Estimate(family, dims, MemoryRequestBuilder.Build(settings.With(variant.Overrides), targets));
                if (estimate.TotalBytes > worst.TotalBytes)
                {
                    worst = estimate;
                    worstName = experimentName + "/" + variant.Name;
                }
            }

            if (worst.TotalBytes > budget)
            {
                context.Report(DiagnosticDescriptors.MemoryOverBudget, context.ExperimentLocation, worstName, worst.Describe(), context.Options.MemoryBudgetText!);
            }

            return baseEstimate.Describe();
        }
    }
}
