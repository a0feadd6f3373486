namespace Lora.Runtime.Tests.Tokenization;

/// <summary>
/// Finds the checked-in tokenizer files under tests/Lora.Runtime.Tests/TestData/tokenizers, from the
/// repository root: the folder above the test binaries that holds Lora.Sdk.sln.
/// </summary>
internal static class TokenizerTestData
{
    public const string Gpt2 = "gpt2";
    public const string SentencePieceBpe = "spm-bpe-bytefallback";
    public const string SentencePieceUnigram = "spm-unigram";
    public const string Gpt2TokenizerJson = "gpt2-10k-tokenizer-json";
    public const string Qwen2StyleTokenizerJson = "qwen2-style-tokenizer-json";

    public static string Folder(string name)
    {
        string folder = Path.Combine(RepoPaths.RepoRoot, "tests", "Lora.Runtime.Tests", "TestData", "tokenizers", name);
        return Directory.Exists(folder) ? folder : throw new DirectoryNotFoundException($"Test data folder '{folder}' is missing.");
    }

    public static string File(string name, string fileName) => Path.Combine(Folder(name), fileName);
}
