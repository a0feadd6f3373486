using System.Collections.Generic;
using System.Linq;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>Checks settings that contradict each other (LORA0011–0014, LORA0080, LORA0085).</summary>
    internal static class ConflictValidator
    {
        /// <summary>Checks the conflicts.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The resolved settings.</param>
        public static void Validate(ResolutionContext context, ResolvedSettings settings)
        {
            ValidateTraining(context, settings);
            ValidateExpectations(context, settings);
            ValidateChoices(context, settings);
            if (settings.Has(AttributeKind.Export) && !settings.Has(AttributeKind.Merge)
                && context.Spec.Find(AttributeKind.Export) is { } export)
            {
                context.Report(DiagnosticDescriptors.ExportWithoutMerge, export.Location);
            }
        }

        private static void ValidateTraining(ResolutionContext context, ResolvedSettings settings)
        {
            const AttributeKind training = AttributeKind.Training;
            var steps = settings.Get(training, "WarmupSteps");
            var ratio = settings.Get(training, "WarmupRatio");
            if (steps.AsInt > 0 && ratio.AsDouble > 0)
            {
                context.Report(DiagnosticDescriptors.WarmupConflict, settings.LocationOf(training, "WarmupRatio"), steps.Display(), ratio.Display());
            }

            var epochs = settings.Argument(training, "Epochs");
            var maxSteps = settings.Get(training, "MaxSteps");
            if (epochs is not null && maxSteps.AsInt > 0)
            {
                context.Report(DiagnosticDescriptors.EpochsAndMaxSteps, settings.LocationOf(training, "MaxSteps"), epochs.Value.Display(), maxSteps.Display());
            }
        }

        /// <summary>A multiple-choice metric scores the questions of ChoicesPath: without them it would have nothing to score.</summary>
        private static void ValidateChoices(ResolutionContext context, ResolvedSettings settings)
        {
            if (!settings.Has(AttributeKind.Evaluate) || settings.Get(AttributeKind.Evaluate, "ChoicesPath").Text is not null)
            {
                return;
            }

            foreach (var metric in settings.Get(AttributeKind.Evaluate, "Metrics").Elements.Select(e => e.Text).Where(m => m is "ChoiceAccuracy" or "ChoiceAccuracyNorm"))
            {
                context.Report(DiagnosticDescriptors.ChoiceMetricWithoutChoices, settings.LocationOf(AttributeKind.Evaluate, "Metrics"), metric!);
            }
        }

        private static void ValidateExpectations(ResolutionContext context, ResolvedSettings settings)
        {
            var evaluated = settings.Has(AttributeKind.Evaluate)
                ? settings.Get(AttributeKind.Evaluate, "Metrics").Elements.Select(e => e.Text ?? "").ToList()
                : new List<string>();
            foreach (var expect in context.Spec.Attributes.Where(a => a.Kind == AttributeKind.Expect))
            {
                var metric = expect.Find("Metric");
                var metricName = metric?.Value.Text ?? "?";
                var atLeast = expect.Find("AtLeast")?.Value.AsDouble ?? double.NaN;
                var atMost = expect.Find("AtMost")?.Value.AsDouble ?? double.NaN;
                if (double.IsNaN(atLeast) && double.IsNaN(atMost))
                {
                    context.Report(DiagnosticDescriptors.ExpectationWithoutBound, expect.Location, metricName);
                }

                if (metric is not null && !evaluated.Contains(metricName))
                {
                    var listed = evaluated.Count == 0 ? "nothing: it has no [Evaluate]" : string.Join(", ", evaluated);
                    context.Report(DiagnosticDescriptors.ExpectationNotEvaluated, metric.Location, metricName, listed);
                }
            }
        }
    }
}
