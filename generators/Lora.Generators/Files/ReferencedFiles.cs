using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Lora.Generators.Common;
using Lora.Generators.Parsing;

namespace Lora.Generators.Files
{
    /// <summary>
    /// The AdditionalFiles the experiments point at: each base model's config.json and the files of its chat template
    /// beside it, and each dataset. Only these are read, so large files that merely sit among the AdditionalFiles
    /// (tokenizer.json, weights indexes) cost nothing.
    /// </summary>
    internal static class ReferencedFiles
    {
        /// <summary>The normalized full paths one experiment refers to.</summary>
        /// <param name="spec">The experiment.</param>
        /// <param name="options">The build options (for the project directory).</param>
        /// <returns>The paths.</returns>
        public static EquatableArray<string> Of(ExperimentSpec spec, BuildOptions options)
        {
            var directory = options.DirectoryFor(spec.SourcePath);
            var paths = new List<string>();
            if (spec.Find(AttributeKind.BaseModel) is { } baseModel && baseModel.Find("Source")?.Value.Text is { } source)
            {
                var config = ConfigPath(directory, source);
                paths.Add(config);
                foreach (var name in ChatTemplateFiles.Names)
                {
                    paths.Add(ProjectPath.Combine(ProjectPath.DirectoryOf(config), name));
                }

                if (HubConfigPath(source, baseModel.Find("Revision")?.Value.Text) is { } hub)
                {
                    paths.Add(hub);
                }
            }

            foreach (var dataset in new[] { AttributeKind.Dataset, AttributeKind.TypedDataset })
            {
                foreach (var name in new[] { "Path", "EvalPath" })
                {
                    if (spec.Find(dataset)?.Find(name)?.Value.Text is { } path)
                    {
                        paths.Add(ProjectPath.Resolve(directory, path));
                    }
                }
            }

            return paths.ToEquatableArray();
        }

        /// <summary>Merges every experiment's paths into one sorted, distinct set.</summary>
        /// <param name="all">Each experiment's paths.</param>
        /// <returns>The set.</returns>
        public static EquatableArray<string> Merge(ImmutableArray<EquatableArray<string>> all) =>
            all.SelectMany(p => p).Distinct().OrderBy(p => p, StringComparer.Ordinal).ToEquatableArray();

        /// <summary>Whether a file is in the set.</summary>
        /// <param name="referenced">The referenced paths.</param>
        /// <param name="path">An AdditionalFiles path.</param>
        /// <returns>True when referenced.</returns>
        public static bool Contains(EquatableArray<string> referenced, string path)
        {
            var normalized = ProjectPath.Normalize(path);
            foreach (var candidate in referenced)
            {
                if (ProjectPath.SameFile(candidate, normalized))
                {
                    return true;
                }
            }

            return false;
        }

        /// <summary>Where the config.json of a model id's snapshot is filed (<see cref="HubModelConfig"/>), or null when the source is no model id.</summary>
        /// <param name="source">The source as written.</param>
        /// <param name="revision">The revision as written, or null for the default.</param>
        /// <returns>The path, or null.</returns>
        public static string? HubConfigPath(string source, string? revision) =>
            Lora.HubModelId.TryParse(source) is { } id ? ProjectPath.Normalize(HubModelConfig.Path(HubModelConfig.Value(id.Id, revision ?? Lora.SettingDefaults.Revision))) : null;

        /// <summary>The config.json a base model source points at: the file itself, or config.json in the folder.</summary>
        /// <param name="directory">The project directory.</param>
        /// <param name="source">The source as written.</param>
        /// <returns>The normalized path.</returns>
        public static string ConfigPath(string directory, string source)
        {
            var path = ProjectPath.Resolve(directory, source);
            return source.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? path : ProjectPath.Combine(path, "config.json");
        }
    }
}
