namespace Lora.Tools.Pretraining;

/// <summary>One document of the corpus (a State of the Union address, a chapter of Moby Dick), whitespace already normalised.</summary>
/// <param name="Source">Which collection it belongs to: <see cref="StateOfTheUnion"/> or <see cref="MobyDick"/>.</param>
/// <param name="Name">Its file name inside the package, e.g. <c>1790_george_washington_n.txt</c>.</param>
/// <param name="Text">The normalised text.</param>
public sealed record CorpusDocument(string Source, string Name, string Text)
{
    public const string StateOfTheUnion = "sotu";
    public const string MobyDick = "moby-dick";

    /// <summary>A document whose raw text is normalised by <see cref="WhitespaceNormalizer"/>.</summary>
    public static CorpusDocument FromRawText(string source, string name, string rawText) =>
        new(source, name, WhitespaceNormalizer.Normalize(rawText));
}
