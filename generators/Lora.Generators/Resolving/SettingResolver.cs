using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;
using Lora.Generators.Settings;

namespace Lora.Generators.Resolving
{
    /// <summary>Applies defaults to every setting and checks the ranges of the values written in source (LORA0010).</summary>
    internal static class SettingResolver
    {
        private static readonly AttributeKind[] Sections =
        {
            AttributeKind.Experiment, AttributeKind.BaseModel, AttributeKind.LoraAdapter, AttributeKind.Quantize,
            AttributeKind.Training, AttributeKind.Evaluate, AttributeKind.Merge, AttributeKind.Export,
        };

        /// <summary>Resolves the unswept settings.</summary>
        /// <param name="context">The resolution context.</param>
        /// <returns>The settings table.</returns>
        public static ResolvedSettings Resolve(ResolutionContext context)
        {
            var spec = context.Spec;
            var datasetKind = spec.Find(AttributeKind.Dataset) is null && spec.Find(AttributeKind.TypedDataset) is not null
                ? AttributeKind.TypedDataset
                : AttributeKind.Dataset;
            var settings = new ResolvedSettings(spec, datasetKind);
            foreach (var kind in Sections)
            {
                ResolveSection(context, settings, kind);
            }

            ResolveSection(context, settings, datasetKind);
            CheckLists(context, settings);
            return settings;
        }

        /// <summary>Reports LORA0010 when a numeric value is outside its definition's range.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="definition">The setting.</param>
        /// <param name="value">The value.</param>
        /// <param name="location">Where the value is written.</param>
        /// <param name="subject">How the message names the value, e.g. "[LoraAdapter] Rank".</param>
        /// <returns>True when in range.</returns>
        public static bool CheckRange(ResolutionContext context, SettingDefinition definition, SettingValue value, LocationInfo location, string subject)
        {
            if (definition.Range is not { } range || !value.IsNumeric || range.Contains(value.AsDouble))
            {
                return true;
            }

            context.Report(DiagnosticDescriptors.ValueOutOfRange, location, subject, value.Display(), range.Describe(), definition.Hint);
            return false;
        }

        private static void ResolveSection(ResolutionContext context, ResolvedSettings settings, AttributeKind kind)
        {
            var attribute = context.Spec.Find(kind);
            foreach (var definition in SettingCatalog.For(kind))
            {
                var argument = attribute?.Find(definition.Name);
                if (argument is null)
                {
                    settings.Set(kind, definition.Name, definition.Default);
                    continue;
                }

                CheckRange(context, definition, argument.Value, argument.Location, definition.Display(context.RowTypeName));
                settings.Set(kind, definition.Name, argument.Value);
            }
        }

        private static void CheckLists(ResolutionContext context, ResolvedSettings settings)
        {
            var targets = settings.Argument(AttributeKind.LoraAdapter, "Targets");
            if (targets is { Value.Kind: SettingKind.Array, Value.Elements.Count: 0 })
            {
                var definition = SettingCatalog.Find(AttributeKind.LoraAdapter, "Targets")!;
                context.Report(DiagnosticDescriptors.ValueOutOfRange, targets.Location, definition.Display(), "an empty list", "at least one module name", definition.Hint);
            }

            var evaluate = context.Spec.Find(AttributeKind.Evaluate);
            if (evaluate is not null && settings.Get(AttributeKind.Evaluate, "Metrics").Elements.Count == 0)
            {
                var definition = SettingCatalog.Find(AttributeKind.Evaluate, "Metrics")!;
                context.Report(DiagnosticDescriptors.ValueOutOfRange, evaluate.Location, definition.Display(), "an empty list", "at least one metric", definition.Hint);
            }
        }
    }
}
