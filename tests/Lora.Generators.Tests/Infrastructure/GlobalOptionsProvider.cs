using System.Diagnostics.CodeAnalysis;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Lora.Generators.Tests.Infrastructure;

/// <summary>Analyzer config options as MSBuild passes them: global (build_property.*) values, and per AdditionalFiles entry
/// its visible metadata (build_metadata.AdditionalFiles.*), keyed by the entry's path.</summary>
internal sealed class GlobalOptionsProvider(IReadOnlyDictionary<string, string> values, IReadOnlyDictionary<string, Dictionary<string, string>>? fileMetadata = null)
    : AnalyzerConfigOptionsProvider
{
    private readonly Options _global = new(values);

    /// <inheritdoc/>
    public override AnalyzerConfigOptions GlobalOptions => _global;

    /// <inheritdoc/>
    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => Options.Empty;

    /// <inheritdoc/>
    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        fileMetadata is not null && fileMetadata.TryGetValue(textFile.Path, out var metadata) ? new Options(metadata) : Options.Empty;

    private sealed class Options(IReadOnlyDictionary<string, string> values) : AnalyzerConfigOptions
    {
        public static readonly Options Empty = new(new Dictionary<string, string>());

        public override bool TryGetValue(string key, [NotNullWhen(true)] out string? value) => values.TryGetValue(key, out value);
    }
}
