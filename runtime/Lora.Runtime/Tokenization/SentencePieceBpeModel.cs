using Microsoft.ML.Tokenizers;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// A SentencePiece BPE <c>tokenizer.model</c> (Llama 1/2, Mistral, TinyLlama): normalization, vocabulary
/// and decoding from Microsoft.ML.Tokenizers' <see cref="SentencePieceTokenizer"/>, the merge step from
/// <see cref="SentencePieceBpeMerger"/> (see there why).
/// </summary>
internal sealed class SentencePieceBpeModel : ISubwordModel
{
    private readonly SentencePieceTokenizer _normalizing;
    private readonly SentencePieceTokenizer _decoding;
    private readonly SentencePieceBpeMerger _merger;

    private SentencePieceBpeModel(SentencePieceModelFile file, SentencePieceTokenizer normalizing, SentencePieceTokenizer decoding)
    {
        File = file;
        _normalizing = normalizing;
        _decoding = decoding;
        _merger = new SentencePieceBpeMerger(file.Pieces, normalizing.UnknownId, normalizing.ByteFallback);
    }

    public SentencePieceModelFile File { get; }

    public int Size => File.Pieces.Count;

    /// <summary>The model's own &lt;s&gt; id, the lowest-precedence source of BOS.</summary>
    public int BeginningOfSentenceId => _normalizing.BeginningOfSentenceId;

    /// <summary>The model's own &lt;/s&gt; id, the lowest-precedence source of EOS.</summary>
    public int EndOfSentenceId => _normalizing.EndOfSentenceId;

    public static SentencePieceBpeModel Load(string path)
    {
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        var file = SentencePieceModelFile.Parse(path, bytes);
        if (file.ModelType != SentencePieceModelType.Bpe)
        {
            // Unigram is what T5 and XLNet use; Microsoft.ML.Tokenizers 2.0.1 also departs from
            // sentencepiece there on runs of spaces, so we refuse it rather than encode it differently.
            throw new TokenizerLoadException(path, "a SentencePiece BPE model (model_type BPE, as Llama and Mistral use)",
                $"model_type {file.ModelType.ToString().ToUpperInvariant()}");
        }
        var userDefined = Enumerable.Range(0, file.Pieces.Count)
            .Where(id => file.Pieces[id].Type == SentencePieceType.UserDefined)
            .ToDictionary(id => file.Pieces[id].Text, id => id, StringComparer.Ordinal);
        var normalizing = CreateLibraryTokenizer(path, bytes, specialTokens: null);
        // The library drops user-defined pieces when decoding unless it is told about them as special
        // tokens; but then its normalizer cuts the text at them (no "▁" before one, an extra one after),
        // which sentencepiece does not do. Hence one instance to normalize and, if needed, one to decode.
        var decoding = userDefined.Count == 0 ? normalizing : CreateLibraryTokenizer(path, bytes, userDefined);
        return new SentencePieceBpeModel(file, normalizing, decoding);
    }

    public IReadOnlyList<int> Encode(string text)
    {
        // The library's normalizer applies the model's normalizer_spec: precompiled character map,
        // whitespace escaping to "▁" and the dummy prefix ("Hello" becomes "▁Hello").
        string normalized = _normalizing.Normalizer is { } normalizer ? normalizer.Normalize(text) : text;
        return _merger.Encode(normalized);
    }

    /// <remarks>
    /// Control pieces (&lt;s&gt;, &lt;/s&gt;) are written out: ModelTokenizer has already dropped the
    /// special ids when the caller asked it to skip them, so any that reach here were asked for.
    /// </remarks>
    public string Decode(IReadOnlyList<int> ids) => _decoding.Decode(ids, considerSpecialTokens: true);

    public int? IdOf(string token) => _normalizing.Vocabulary.TryGetValue(token, out int id) ? id : null;

    private static SentencePieceTokenizer CreateLibraryTokenizer(string path, byte[] bytes, IReadOnlyDictionary<string, int>? specialTokens)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            return SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false, specialTokens);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
        {
            throw new TokenizerLoadException(path, "a SentencePiece model that Microsoft.ML.Tokenizers accepts", e.Message, e);
        }
    }
}
