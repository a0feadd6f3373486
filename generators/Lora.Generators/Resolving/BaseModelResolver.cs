using System;
using System.Linq;
using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>Finds the base model: a built-in name or a folder whose config.json is among the AdditionalFiles (LORA0040–0042, 0045).</summary>
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
            var configPath = Files.ReferencedFiles.ConfigPath(context.ProjectDirectory, source);
            if (Lora.BuiltInModels.LooksLikeName(source) && context.Files.Find(configPath)?.ModelConfig is null)
            {
                return ResolveBuiltIn(context, source, argument);
            }

            var file = context.Files.Find(configPath);
            var display = source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? source : source.TrimEnd('/', '\\') + "/config.json";
            if (file?.ModelConfig is not { } config)
            {
                context.Report(DiagnosticDescriptors.BaseModelConfigNotFound, argument.Location, source, configPath);
                return BaseModelInfo.Unknown;
            }

            if (config.Error is not null)
            {
                context.Report(DiagnosticDescriptors.BaseModelConfigInvalid, argument.Location, display, config.Error);
                return BaseModelInfo.Unknown;
            }

            var family = ModelFamilies.Find(config.ModelType);
            if (family is null)
            {
                context.Report(DiagnosticDescriptors.UnsupportedModelType, argument.Location, display, config.ModelType ?? "", string.Join(", ", ModelFamilies.ModelTypes) + ModelFamilies.Instead(config.ModelType));
                return new BaseModelInfo(false, config.ModelType, null, null, display, Common.ProjectPath.DirectoryOf(configPath));
            }

            return new BaseModelInfo(false, config.ModelType, family, config.Dimensions, display, Common.ProjectPath.DirectoryOf(configPath));
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
