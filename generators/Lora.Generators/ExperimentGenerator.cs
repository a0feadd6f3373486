using System.Collections.Immutable;
using System.Linq;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Lora.Generators.Emitting;
using Lora.Generators.Files;
using Lora.Generators.Model;
using Lora.Generators.Parsing;
using Lora.Generators.Resolving;
using Microsoft.CodeAnalysis;

namespace Lora.Generators
{
    /// <summary>
    /// Wires the pipeline: [Experiment] records → specs → (with build options, AdditionalFiles and their parsed chat templates) resolved
    /// experiments → generated sources, registry and diagnostics. Each stage lives in its own folder.
    /// </summary>
    [Generator(LanguageNames.CSharp)]
    public sealed class ExperimentGenerator : IIncrementalGenerator
    {
        /// <inheritdoc/>
        public void Initialize(IncrementalGeneratorInitializationContext context)
        {
            var specs = context.SyntaxProvider
                .ForAttributeWithMetadataName(AttributeNames.ExperimentMetadataName, ExperimentParser.IsCandidate, ExperimentParser.Parse)
                .Where(static spec => spec is not null)
                .Select(static (spec, _) => spec!)
                .WithTrackingName(TrackingNames.ExperimentSpecs);

            var options = context.AnalyzerConfigOptionsProvider
                .Select(static (provider, _) => BuildOptionsReader.Read(provider.GlobalOptions))
                .WithTrackingName(TrackingNames.BuildOptions);

            var referenced = specs
                .Combine(options)
                .Select(static (input, _) => ReferencedFiles.Of(input.Left, input.Right))
                .Collect()
                .Select(static (all, _) => ReferencedFiles.Merge(all))
                .WithTrackingName(TrackingNames.ReferencedPaths);

            // A dataset's head (DatasetHead) stands for the dataset whose path its metadata names; a model's config.json from
            // the Hugging Face cache (HubModelConfig) for the model id and revision its metadata names.
            var texts = context.AdditionalTextsProvider
                .Combine(context.AnalyzerConfigOptionsProvider)
                .SelectMany(static (input, _) => StandsFor(input.Left, input.Right.GetOptions(input.Left)).Select(path => (Text: input.Left, Path: path)));
            var files = texts
                .Combine(referenced)
                .Where(static input => ReferencedFiles.Contains(input.Right, input.Left.Path))
                .Select(static (input, ct) => AdditionalFileReader.Read(input.Left.Text, input.Left.Path, ct))
                .WithTrackingName(TrackingNames.ProjectFile)
                .Collect()
                .Select(static (all, _) => new ProjectFiles(all.ToEquatableArray()))
                .WithTrackingName(TrackingNames.ProjectFiles);

            // Each distinct chat template text is parsed once, whichever experiments use it and however often they change.
            var chatTemplates = files
                .SelectMany(static (all, _) => all.ChatTemplateTexts())
                .Select(static (text, _) => ParsedChatTemplate.Parse(text))
                .WithTrackingName(TrackingNames.ChatTemplates)
                .Collect()
                .Select(static (all, _) => new ParsedChatTemplates(all.ToEquatableArray()));

            var resolved = specs
                .Combine(options)
                .Combine(files)
                .Combine(chatTemplates)
                .Select(static (input, ct) => ExperimentResolver.Resolve(input.Left.Left.Left, input.Left.Left.Right, input.Left.Right, input.Right, ct))
                .WithTrackingName(TrackingNames.ResolvedExperiments);

            var models = resolved
                .Select(static (experiment, _) => experiment.Model)
                .WithTrackingName(TrackingNames.ExperimentModels);
            // CreateChatClient() needs the runtime's chat client, which a project has through Lora.Runtime (a Lora.Sdk project
            // always does); one that references only Lora.Abstractions gets the pipeline methods without it.
            var chatClient = context.CompilationProvider
                .Select(static (compilation, _) => compilation.GetTypeByMetadataName(PipelineEmitter.ChatClientMetadataName) is not null)
                .WithTrackingName(TrackingNames.ChatClientRuntime);
            context.RegisterSourceOutput(models.Combine(chatClient), static (spc, input) =>
            {
                if (input.Left is { } model)
                {
                    spc.AddSource(model.Type.HintName, ExperimentEmitter.Emit(model, input.Right));
                }
            });

            // The attributes' lines and columns, in a part of their own: moving an experiment re-emits this part alone.
            var locations = resolved
                .Select(static (experiment, _) => experiment.Locations)
                .WithTrackingName(TrackingNames.ExperimentLocations);
            context.RegisterSourceOutput(locations, static (spc, model) =>
            {
                if (model is not null)
                {
                    spc.AddSource(LocationsEmitter.HintName(model.Type), LocationsEmitter.Emit(model));
                }
            });

            var diagnostics = resolved
                .Select(static (experiment, _) => experiment.Diagnostics)
                .WithTrackingName(TrackingNames.ExperimentDiagnostics);
            context.RegisterSourceOutput(diagnostics, static (spc, list) => Report(spc, list));

            var registry = models
                .Select(static (model, _) => model is null ? null : new RegistryEntry(model.Name, model.Type.FullName))
                .Collect()
                .Select(static (entries, _) => entries.Where(e => e is not null).Select(e => e!).ToEquatableArray())
                .WithTrackingName(TrackingNames.RegistryEntries);
            context.RegisterSourceOutput(registry, static (spc, entries) =>
            {
                if (entries.Count > 0)
                {
                    spc.AddSource(RegistryEmitter.HintName, RegistryEmitter.Emit(entries.ToImmutableArray()));
                }
            });

            var duplicates = resolved
                .Select(static (experiment, _) => experiment.Identity)
                .Collect()
                .Select(static (identities, _) => DuplicateNameValidator.Validate(identities))
                .WithTrackingName(TrackingNames.DuplicateNames);
            context.RegisterSourceOutput(duplicates, static (spc, list) => Report(spc, list));

            var optionDiagnostics = options.Select(static (o, _) => BuildOptionsReader.Validate(o));
            context.RegisterSourceOutput(optionDiagnostics, static (spc, diagnostic) =>
            {
                if (diagnostic is not null)
                {
                    spc.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });
        }

        private static string[] StandsFor(AdditionalText text, Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions options)
        {
            if (options.TryGetValue(HubModelConfig.ModelKey, out var models) && models.Length > 0)
            {
                return models.Split(HubModelConfig.Separator).Select(HubModelConfig.Path).ToArray();
            }

            return new[] { options.TryGetValue(DatasetHead.SourcePathKey, out var source) && source.Length > 0 ? source : text.Path };
        }

        private static void Report(SourceProductionContext context, EquatableArray<DiagnosticInfo> diagnostics)
        {
            foreach (var diagnostic in diagnostics)
            {
                context.ReportDiagnostic(diagnostic.ToDiagnostic());
            }
        }
    }
}
