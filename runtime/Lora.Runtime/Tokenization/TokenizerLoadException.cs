namespace Lora.Runtime.Tokenization;

/// <summary>
/// A tokenizer file or folder could not be loaded. The message names the file, what was expected there
/// and what was found, so that the user can fix the model folder without reading our code.
/// </summary>
public sealed class TokenizerLoadException : Exception
{
    public TokenizerLoadException(string path, string expected, string found, Exception? innerException = null)
        : base($"Cannot load the tokenizer from '{path}': expected {expected}, but found {found}.", innerException)
    {
        FilePath = path;
        Expected = expected;
        Found = found;
    }

    /// <summary>The file (or folder) that could not be used.</summary>
    public string FilePath { get; }

    /// <summary>What the loader needed to find in <see cref="FilePath"/>.</summary>
    public string Expected { get; }

    /// <summary>What it found instead.</summary>
    public string Found { get; }
}
