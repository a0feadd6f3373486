using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Lora.Generators.Files
{
    /// <summary>Reads <see cref="BuildOptions"/> from the global analyzer config.</summary>
    internal static class BuildOptionsReader
    {
        /// <summary>The key of the project directory property.</summary>
        public const string ProjectDirectoryKey = "build_property.MSBuildProjectDirectory";

        /// <summary>The key of the memory budget property.</summary>
        public const string MemoryBudgetKey = "build_property.LoraMemoryBudget";

        /// <summary>Reads the options; empty properties count as unset.</summary>
        /// <param name="options">The global options.</param>
        /// <returns>The options.</returns>
        public static BuildOptions Read(AnalyzerConfigOptions options)
        {
            var directory = Value(options, ProjectDirectoryKey);
            var budget = Value(options, MemoryBudgetKey);
            long? bytes = budget is not null && MemorySize.TryParse(budget, out var parsed) ? parsed : null;
            return new BuildOptions(directory is null ? null : ProjectPath.Normalize(directory), budget, bytes);
        }

        /// <summary>The diagnostic for an unreadable budget, or null.</summary>
        /// <param name="options">The options.</param>
        /// <returns>LORA0061 when the budget is set but not a size.</returns>
        public static DiagnosticInfo? Validate(BuildOptions options) =>
            options.MemoryBudgetText is not null && options.MemoryBudgetBytes is null
                ? DiagnosticInfo.Create(DiagnosticDescriptors.InvalidMemoryBudget, null, options.MemoryBudgetText)
                : null;

        private static string? Value(AnalyzerConfigOptions options, string key) =>
            options.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
    }
}
