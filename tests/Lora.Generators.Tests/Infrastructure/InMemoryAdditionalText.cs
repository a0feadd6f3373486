using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace Lora.Generators.Tests.Infrastructure;

/// <summary>An AdditionalFiles entry held in memory.</summary>
internal sealed class InMemoryAdditionalText(string path, string text) : AdditionalText
{
    private readonly SourceText _text = SourceText.From(text);

    /// <inheritdoc/>
    public override string Path { get; } = path;

    /// <inheritdoc/>
    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;
}
