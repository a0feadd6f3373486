using System.Collections.Generic;
using System.Linq;
using Lora.Generators.Common;
using Lora.Generators.Model;
using Lora.Generators.Parsing;
using Lora.Generators.Settings;

namespace Lora.Generators.Resolving
{
    /// <summary>Turns resolved settings into the emitter's <see cref="ExperimentModel"/>: each settings record with its parameters in order.</summary>
    internal static class ExperimentModelBuilder
    {
        /// <summary>Builds the model.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The unswept settings.</param>
        /// <param name="name">The experiment name.</param>
        /// <param name="model">What is known about the base model.</param>
        /// <param name="targets">The resolved targets.</param>
        /// <param name="variants">The sweep variants.</param>
        /// <param name="memorySummary">The memory estimate in words, or null.</param>
        /// <returns>The model.</returns>
        public static ExperimentModel Build(
            ResolutionContext context,
            ResolvedSettings settings,
            string name,
            BaseModelInfo model,
            IReadOnlyList<string> targets,
            IReadOnlyList<VariantPlan> variants,
            string? memorySummary)
        {
            var spec = context.Spec;
            return new ExperimentModel(
                Type(spec.Type),
                name,
                settings.Get(AttributeKind.Experiment, "Description").Text,
                spec.SourcePath,
                context.ProjectDirectory,
                Section(AttributeKind.BaseModel, S("Source", settings.Get(AttributeKind.BaseModel, "Source")), S("IsBuiltIn", SettingValue.Bool(model.IsBuiltIn)), S("ModelType", SettingValue.String(model.ModelType)), S("Revision", settings.Get(AttributeKind.BaseModel, "Revision"))),
                Adapter(settings, targets),
                settings.Has(AttributeKind.Quantize) ? Catalog(settings, AttributeKind.Quantize) : null,
                Dataset(context, settings),
                Catalog(settings, AttributeKind.Training),
                settings.Has(AttributeKind.Evaluate) ? Evaluation(settings) : null,
                spec.Attributes.Where(a => a.Kind == AttributeKind.Expect).Select(Expectation).ToEquatableArray(),
                settings.Has(AttributeKind.Merge) ? Catalog(settings, AttributeKind.Merge) : null,
                variants.Select(Variant).ToEquatableArray(),
                memorySummary,
                settings.Has(AttributeKind.Export) ? Catalog(settings, AttributeKind.Export) : null);
        }

        /// <summary>Where the experiment's attributes are written, for the generated <c>Locations</c> (its own output:
        /// moving the record re-emits that small part only).</summary>
        /// <param name="spec">The parsed experiment.</param>
        /// <param name="model">Its model, whose type the locations are emitted into.</param>
        /// <returns>The locations.</returns>
        public static ExperimentLocationsModel Locations(ExperimentSpec spec, ExperimentModel model) => new(
            model.Type,
            spec.Attributes.Select(a => new AttributeLocationModel(
                a.Kind == AttributeKind.TypedDataset ? "Dataset" : a.Kind.ToString(),
                a.Location.LineSpan.Start.Line + 1,
                a.Location.LineSpan.Start.Character + 1)).ToEquatableArray());

        private static TypeModel Type(ExperimentTypeSpec type) => new(
            type.Namespace,
            type.Name,
            type.Keyword,
            type.FullName,
            type.ContainingTypes.Select(c => new ContainingTypeModel(c.Keyword, c.Name)).ToEquatableArray());

        private static SectionModel Adapter(ResolvedSettings settings, IReadOnlyList<string> targets)
        {
            var list = new List<SettingModel>();
            foreach (var definition in SettingCatalog.For(AttributeKind.LoraAdapter))
            {
                var value = definition.Name == "Targets" ? Typed(SettingValue.Strings(targets), "string") : settings.Get(AttributeKind.LoraAdapter, definition.Name);
                list.Add(new SettingModel(definition.Name, value));
            }

            return new SectionModel(SectionNames.RecordOf(AttributeKind.LoraAdapter), list.ToEquatableArray());
        }

        private static SectionModel Dataset(ResolutionContext context, ResolvedSettings settings)
        {
            var kind = settings.DatasetKind;
            var typed = kind == AttributeKind.TypedDataset;
            var format = typed ? SettingValue.Enum("Lora.DatasetFormat", "Jsonl", 1) : settings.Get(kind, "Format");
            var textField = !typed && format.Text == "Jsonl" ? settings.Get(kind, "TextField") : SettingValue.Null;
            return Section(
                kind,
                S("Path", settings.Get(kind, "Path")),
                S("Format", format),
                S("TextField", textField),
                S("RowType", typed ? SettingValue.String(context.Spec.RowType?.FullName) : SettingValue.Null),
                S("Prompt", typed ? settings.Get(kind, "Prompt") : SettingValue.Null),
                S("Completion", typed ? settings.Get(kind, "Completion") : SettingValue.Null),
                S("EvalFraction", settings.Get(kind, "EvalFraction")),
                S("Shuffle", settings.Get(kind, "Shuffle")),
                S("MaxLength", settings.Get(kind, "MaxLength")),
                S("EvalPath", settings.Get(kind, "EvalPath")),
                S("TrainOnInputs", settings.Get(kind, "TrainOnInputs")),
                S("AddEos", settings.Get(kind, "AddEos")));
        }

        private static SectionModel Evaluation(ResolvedSettings settings) => Section(
            AttributeKind.Evaluate,
            S("Metrics", Typed(settings.Get(AttributeKind.Evaluate, "Metrics"), "Lora.Metric")),
            S("MaxNewTokens", settings.Get(AttributeKind.Evaluate, "MaxNewTokens")),
            S("ChoicesPath", settings.Get(AttributeKind.Evaluate, "ChoicesPath")));

        private static SectionModel Expectation(AttributeSpec expect)
        {
            var metric = expect.Find("Metric")?.Value ?? SettingValue.Enum("Lora.Metric", "Perplexity", 0);
            return Section(AttributeKind.Expect, S("Metric", metric), S("AtLeast", Bound(expect, "AtLeast")), S("AtMost", Bound(expect, "AtMost")));
        }

        private static SettingValue Bound(AttributeSpec expect, string name) =>
            expect.Find(name)?.Value is { IsNumeric: true } value && !double.IsNaN(value.AsDouble) ? SettingValue.Double(value.AsDouble) : SettingValue.Null;

        private static SectionModel Catalog(ResolvedSettings settings, AttributeKind kind) =>
            new(SectionNames.RecordOf(kind), SettingCatalog.For(kind).Select(d => new SettingModel(d.Name, settings.Get(kind, d.Name))).ToEquatableArray());

        private static VariantModel Variant(VariantPlan plan) => new(
            plan.Name,
            plan.Identifier,
            plan.Choices.Select(c => new VariantOverride(SectionNames.Of(c.Axis.Attribute), c.Axis.Definition.Name, c.Point.Value)).ToEquatableArray());

        private static SettingValue Typed(SettingValue array, string elementType) => array with { TypeName = elementType };

        private static SettingModel S(string name, SettingValue value) => new(name, value);

        private static SectionModel Section(AttributeKind kind, params SettingModel[] settings) =>
            new(SectionNames.RecordOf(kind), new EquatableArray<SettingModel>(settings));
    }
}
