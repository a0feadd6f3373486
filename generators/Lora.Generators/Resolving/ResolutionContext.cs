using System.Collections.Generic;
using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Lora.Generators.Files;
using Lora.Generators.Parsing;
using Microsoft.CodeAnalysis;

namespace Lora.Generators.Resolving
{
    /// <summary>The inputs of resolving one experiment and the diagnostics found so far.</summary>
    internal sealed class ResolutionContext
    {
        private readonly List<DiagnosticInfo> _diagnostics = new();

        /// <summary>Creates the context.</summary>
        /// <param name="spec">The parsed experiment.</param>
        /// <param name="options">The build options.</param>
        /// <param name="files">The cross-checked AdditionalFiles.</param>
        /// <param name="chatTemplates">The chat templates among them, parsed.</param>
        public ResolutionContext(ExperimentSpec spec, BuildOptions options, ProjectFiles files, ParsedChatTemplates chatTemplates)
        {
            Spec = spec;
            Options = options;
            Files = files;
            ChatTemplates = chatTemplates;
            ProjectDirectory = options.DirectoryFor(spec.SourcePath);
        }

        /// <summary>The parsed experiment.</summary>
        public ExperimentSpec Spec { get; }

        /// <summary>The build options.</summary>
        public BuildOptions Options { get; }

        /// <summary>The cross-checked AdditionalFiles.</summary>
        public ProjectFiles Files { get; }

        /// <summary>The chat templates among the AdditionalFiles, parsed.</summary>
        public ParsedChatTemplates ChatTemplates { get; }

        /// <summary>The directory relative attribute paths resolve against: the project's, else the source file's.</summary>
        public string ProjectDirectory { get; }

        /// <summary>The row type's short name for messages, or null.</summary>
        public string? RowTypeName => Spec.RowType?.Name;

        /// <summary>The diagnostics found so far.</summary>
        public IReadOnlyList<DiagnosticInfo> Diagnostics => _diagnostics;

        /// <summary>The location of the [Experiment] attribute, where experiment-wide diagnostics go.</summary>
        public LocationInfo ExperimentLocation => Spec.Find(AttributeKind.Experiment)?.Location ?? Spec.Type.IdentifierLocation;

        /// <summary>Records a diagnostic.</summary>
        /// <param name="descriptor">The rule.</param>
        /// <param name="location">Where it applies.</param>
        /// <param name="arguments">The message arguments.</param>
        public void Report(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] arguments) =>
            _diagnostics.Add(DiagnosticInfo.Create(descriptor, location, arguments));

        /// <summary>Records a diagnostic with a code-fix suggestion.</summary>
        /// <param name="descriptor">The rule.</param>
        /// <param name="location">Where it applies.</param>
        /// <param name="suggestion">The replacement a code fix offers, or null.</param>
        /// <param name="arguments">The message arguments.</param>
        public void ReportWithSuggestion(DiagnosticDescriptor descriptor, LocationInfo? location, string? suggestion, params string[] arguments) =>
            _diagnostics.Add(new DiagnosticInfo(descriptor, location, new EquatableArray<string>(arguments), suggestion));
    }
}
