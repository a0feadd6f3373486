using System.Threading;
using Lora.Generators.Common;
using Lora.Generators.Files;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>
    /// Resolves one experiment against the build options and AdditionalFiles: applies defaults, validates, expands
    /// sweeps and builds the emitter's model. Pure: same inputs, same output.
    /// </summary>
    internal static class ExperimentResolver
    {
        /// <summary>Resolves an experiment.</summary>
        /// <param name="spec">The parsed experiment.</param>
        /// <param name="options">The build options.</param>
        /// <param name="files">The cross-checked AdditionalFiles.</param>
        /// <param name="chatTemplates">The chat templates among them, parsed.</param>
        /// <param name="cancellationToken">Cancels the work.</param>
        /// <returns>The model, identity and diagnostics.</returns>
        public static ResolvedExperiment Resolve(ExperimentSpec spec, BuildOptions options, ProjectFiles files, ParsedChatTemplates chatTemplates, CancellationToken cancellationToken)
        {
            var context = new ResolutionContext(spec, options, files, chatTemplates);
            var canEmit = DeclarationValidator.Validate(context);
            var name = ExperimentNameRules.Validate(context);
            var settings = SettingResolver.Resolve(context);
            ConflictValidator.Validate(context, settings);
            var axes = SweepResolver.Resolve(context, settings);
            SupportValidator.Validate(context, settings, axes);
            EffectValidator.Validate(context, settings);
            cancellationToken.ThrowIfCancellationRequested();

            var model = BaseModelResolver.Resolve(context, settings);
            var targets = TargetResolver.Resolve(context, settings, model);
            ModelLimitValidator.Validate(context, settings, model, targets, axes);
            var placeholders = TemplateValidator.Validate(context, settings);
            DatasetValidator.Validate(context, settings, DatasetRequirements.For(settings, placeholders));
            cancellationToken.ThrowIfCancellationRequested();
            ChatTemplateValidator.Validate(context, settings, model);
            cancellationToken.ThrowIfCancellationRequested();

            var experimentName = name ?? spec.Type.Name;
            var variants = VariantExpander.Expand(axes);
            var memory = MemoryBudgetValidator.Validate(context, settings, model, targets, variants, experimentName);
            var emitted = canEmit ? ExperimentModelBuilder.Build(context, settings, experimentName, model, targets, variants, memory) : null;
            var identity = name is null ? null : new ExperimentIdentity(name, spec.Type.FullName, spec.Find(AttributeKind.Experiment)!.Find("Name")!.Location);
            return new ResolvedExperiment(emitted, identity, context.Diagnostics.ToEquatableArray(),
                emitted is null ? null : ExperimentModelBuilder.Locations(spec, emitted));
        }
    }
}
