using Lora.Runtime.Tokenization;

namespace Lora.Cli.Loading;

/// <summary>The tokenizer of a model folder when it has one: model folders made by training scripts often carry none.</summary>
public static class FolderTokenizer
{
    /// <summary>The files that make a folder's tokenizer, in any of the formats ModelTokenizer reads.</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles = ["tokenizer.json", "tokenizer.model", "vocab.json"];

    public static bool HasTokenizer(string folder) => TokenizerFiles.Any(f => File.Exists(Path.Combine(folder, f)));

    /// <summary>The folder's tokenizer, or null when it has no tokenizer files; a malformed one throws TokenizerLoadException.</summary>
    public static ModelTokenizer? LoadIfPresent(string folder) => HasTokenizer(folder) ? ModelTokenizer.Load(folder) : null;
}
