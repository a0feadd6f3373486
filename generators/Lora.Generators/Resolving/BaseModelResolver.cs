using System;
using System.Linq;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>
    /// Finds the base model: a built-in name, a folder whose config.json is among the AdditionalFiles, or a model id whose
    /// snapshot's config.json the build passed from the Hugging Face cache (<see cref="Files.HubModelConfig"/>) (LORA0040–0042, 0045, 0048, 0049).
    /// </summary>
    internal static class BaseModelResolver
    {
        /// <summary>Resolves the base model.</summary>
        /// <param name="context">The resolution context.</param>
        /// <param name="settings">The resolved settings.</param>
        /// <returns>What is known about the model.</returns>
        public static BaseModelInfo Resolve(ResolutionContext context, ResolvedSettings settings)
        {
            var argument = settings.Argument(AttributeKind.BaseModel, "Source");
            if (argument is null)
            {
                return BaseModelInfo.Unknown;
            }

            var source = argument.Value.Text ?? "";
            var revision = settings.Get(AttributeKind.BaseModel, "Revision").Text ?? Lora.SettingDefaults.Revision;
            var configPath = Files.ReferencedFiles.ConfigPath(context.ProjectDirectory, source);
            var local = context.Files.Find(configPath)?.ModelConfig;
            if (Lora.BuiltInModels.LooksLikeName(source) && local is null)
            {
                RevisionWithoutEffect(context, settings, "a built-in model has one version");
                return ResolveBuiltIn(context, source, argument);
            }

            // A folder of the project wins over a model id of the same spelling, as the runtime decides.
            var hubId = local is null ? Lora.HubModelId.TryParse(source) : null;
            if (hubId is null)
            {
                RevisionWithoutEffect(context, settings, "'" + source + "' is a folder, which has one version");
            }
            else if (Lora.HubModelId.RevisionProblem(revision) is { } problem)
            {
                context.Report(DiagnosticDescriptors.InvalidRevision, settings.LocationOf(AttributeKind.BaseModel, "Revision"), revision, problem);
                return BaseModelInfo.Unknown;
            }

            var file = hubId is null ? context.Files.Find(configPath) : context.Files.Find(Files.ReferencedFiles.HubConfigPath(source, revision)!);
            var display = hubId is not null ? "config.json of " + hubId.Id + "@" + revision
                : source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? source : source.TrimEnd('/', '\\') + "/config.json";
            if (file?.ModelConfig is not { } config)
            {
                if (hubId is not null)
                {
                    var pull = "lora pull " + hubId.Id + (revision == Lora.SettingDefaults.Revision ? "" : " --revision " + revision);
                    context.Report(DiagnosticDescriptors.BaseModelNotInHubCache, argument.Location, source, configPath, revision, pull);
                }
                else
                {
                    context.Report(DiagnosticDescriptors.BaseModelConfigNotFound, argument.Location, source, configPath);
                }

                return BaseModelInfo.Unknown;
            }

            if (config.Error is not null)
            {
                context.Report(config.Unsupported ? DiagnosticDescriptors.UnsupportedModelSetting : DiagnosticDescriptors.BaseModelConfigInvalid, argument.Location, display, config.Error);
                return BaseModelInfo.Unknown;
            }

            // The folder whose chat template files the generator reads; none for a cached model, whose snapshot files the
            // generator is not given by path (its chat template is checked when the runtime loads it).
            var folder = hubId is null ? Common.ProjectPath.DirectoryOf(configPath) : null;
            var family = ModelFamilies.Find(config.ModelType);
            if (family is null)
            {
                context.Report(DiagnosticDescriptors.UnsupportedModelType, argument.Location, display, config.ModelType ?? "", string.Join(", ", ModelFamilies.ModelTypes) + ModelFamilies.Instead(config.ModelType));
                return new BaseModelInfo(false, config.ModelType, null, null, display, folder);
            }

            return new BaseModelInfo(false, config.ModelType, family, config.Dimensions, display, folder);
        }

        private static void RevisionWithoutEffect(ResolutionContext context, ResolvedSettings settings, string why)
        {
            if (settings.Argument(AttributeKind.BaseModel, "Revision") is { } argument)
            {
                context.Report(DiagnosticDescriptors.SettingWithoutEffect, argument.Location, "Revision = " + argument.Value.Display(), why + "; Revision picks a version of a Hugging Face model id (org/name)");
            }
        }

        private static BaseModelInfo ResolveBuiltIn(ResolutionContext context, string source, ArgumentSpec argument)
        {
            var builtIn = Lora.BuiltInModels.Find(source);
            if (builtIn is null)
            {
                var names = string.Join(", ", Lora.BuiltInModels.All.Select(m => m.Name));
                context.Report(DiagnosticDescriptors.UnknownBuiltInModel, argument.Location, source, names);
                return BaseModelInfo.Unknown;
            }

            return new BaseModelInfo(true, builtIn.ModelType, ModelFamilies.Find(builtIn.ModelType), null, "built-in model '" + source + "'");
        }
    }
}
