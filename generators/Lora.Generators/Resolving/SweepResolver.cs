using System.Collections.Generic;
using System.Linq;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;
using Lora.Generators.Settings;

namespace Lora.Generators.Resolving
{
    /// <summary>Reads every [Sweep] into an axis of valid values (LORA0030–0035, and LORA0010 for each value).</summary>
    internal static class SweepResolver
    {
        /// <summary>Resolves the sweeps.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The resolved settings.</param>
        /// <returns>The axes with at least one valid value, in source order.</returns>
        public static IReadOnlyList<SweepAxis> Resolve(ResolutionContext context, ResolvedSettings settings)
        {
            var axes = new List<SweepAxis>();
            foreach (var sweep in context.Spec.Attributes.Where(a => a.Kind == AttributeKind.Sweep))
            {
                var axis = ResolveOne(context, settings, sweep, axes);
                if (axis is { Points.Count: > 0 })
                {
                    axes.Add(axis);
                }
            }

            return axes;
        }

        private static SweepAxis? ResolveOne(ResolutionContext context, ResolvedSettings settings, AttributeSpec sweep, List<SweepAxis> earlier)
        {
            var property = sweep.Find("Property");
            if (property?.Value.Text is not { } name)
            {
                return null;
            }

            var definition = FindDefinition(context, settings, name, property);
            if (definition is null)
            {
                return null;
            }

            if (earlier.Any(a => a.Definition.Name == definition.Name && a.Attribute == definition.Attribute))
            {
                context.Report(DiagnosticDescriptors.SettingSweptTwice, property.Location, definition.Name);
                return null;
            }

            var values = sweep.Find("Values");
            if (values is null || values.Value.Elements.Count == 0)
            {
                context.Report(DiagnosticDescriptors.SweepWithoutValues, sweep.Location, name);
                return null;
            }

            var points = new List<SweepPoint>();
            for (var i = 0; i < values.Value.Elements.Count; i++)
            {
                var element = values.Value.Elements[i];
                var location = values.ElementLocation(i);
                var converted = Convert(element, definition);
                if (converted is null)
                {
                    context.Report(DiagnosticDescriptors.SweepValueType, location, name, element.Display(), Describe(element), definition.TypeDescription);
                    continue;
                }

                if (points.Any(p => p.Value == converted))
                {
                    context.Report(DiagnosticDescriptors.SweepRepeatedValue, location, name, element.Display());
                    continue;
                }

                var subject = "[Sweep(\"" + name + "\")] value";
                if (SettingResolver.CheckRange(context, definition, converted, location, subject))
                {
                    points.Add(new SweepPoint(converted, location));
                }
            }

            return new SweepAxis(definition, definition.Attribute, points);
        }

        private static SettingDefinition? FindDefinition(ResolutionContext context, ResolvedSettings settings, string name, ArgumentSpec property)
        {
            var candidates = SweepTarget.Find(name);
            if (candidates.Count == 0)
            {
                var suggestion = EditDistance.Suggest(name, SweepTarget.Names);
                var didYouMean = suggestion is null ? "" : " (did you mean '" + suggestion + "'?)";
                context.ReportWithSuggestion(DiagnosticDescriptors.UnknownSweepSetting, property.Location, suggestion, name, didYouMean, string.Join(", ", SweepTarget.Names));
                return null;
            }

            var definition = candidates.FirstOrDefault(c => c.Attribute == settings.DatasetKind) ?? candidates[0];
            if (definition.Attribute is AttributeKind.Quantize or AttributeKind.Merge or AttributeKind.Export && !settings.Has(definition.Attribute))
            {
                context.Report(DiagnosticDescriptors.SweepNeedsAttribute, property.Location, name, AttributeNames.Display(definition.Attribute));
                return null;
            }

            return definition;
        }

        private static SettingValue? Convert(SettingValue value, SettingDefinition definition) => definition.Type switch
        {
            SettingType.Int when value.Kind == SettingKind.Int => value,
            SettingType.Double when value.Kind == SettingKind.Int => SettingValue.Double(value.Integer),
            SettingType.Double when value.Kind == SettingKind.Double => value,
            SettingType.Bool when value.Kind == SettingKind.Bool => value,
            SettingType.String when value.Kind == SettingKind.String => value,
            SettingType.Enum when value.Kind == SettingKind.Enum && value.TypeName == definition.EnumType => value,
            _ => null,
        };

        private static string Describe(SettingValue value) => value.Kind switch
        {
            SettingKind.Int => "an int",
            SettingKind.Double => "a double",
            SettingKind.Bool => "a bool",
            SettingKind.String => "a string",
            SettingKind.Enum => "a " + value.ShortTypeName + " value",
            SettingKind.Array => "an array",
            SettingKind.Type => "a type",
            _ => "null",
        };
    }
}
