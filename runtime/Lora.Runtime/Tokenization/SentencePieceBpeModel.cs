using Microsoft.ML.Tokenizers;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// A SentencePiece BPE <c>tokenizer.model</c> (Llama 1/2, Mistral, TinyLlama): normalization, vocabulary
/// and decoding from Microsoft.ML.Tokenizers' <see cref="SentencePieceTokenizer"/>, the merge step from
/// <see cref="SentencePieceBpeMerger"/> (see there why).
/// </summary>
internal sealed class SentencePieceBpeModel : ISubwordModel
{
    private readonly SentencePieceTokenizer _library;
    private readonly SentencePieceBpeMerger _merger;

    private SentencePieceBpeModel(SentencePieceModelFile file, SentencePieceTokenizer library)
    {
        File = file;
        _library = library;
        _merger = new SentencePieceBpeMerger(file.Pieces, library.UnknownId, library.ByteFallback);
    }

    public SentencePieceModelFile File { get; }

    public int Size => File.Pieces.Count;

    /// <summary>The model's own &lt;s&gt; id, the lowest-precedence source of BOS.</summary>
    public int BeginningOfSentenceId => _library.BeginningOfSentenceId;

    /// <summary>The model's own &lt;/s&gt; id, the lowest-precedence source of EOS.</summary>
    public int EndOfSentenceId => _library.EndOfSentenceId;

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
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            var library = SentencePieceTokenizer.Create(stream, addBeginningOfSentence: false, addEndOfSentence: false);
            return new SentencePieceBpeModel(file, library);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException or FormatException)
        {
            throw new TokenizerLoadException(path, "a SentencePiece model that Microsoft.ML.Tokenizers accepts", e.Message, e);
        }
    }

    public IReadOnlyList<int> Encode(string text)
    {
        // The library's normalizer applies the model's normalizer_spec: precompiled character map,
        // whitespace escaping to "▁" and the dummy prefix ("Hello" becomes "▁Hello").
        string normalized = _library.Normalizer is { } normalizer ? normalizer.Normalize(text) : text;
        return _merger.Encode(normalized);
    }

    /// <remarks>
    /// Control pieces (&lt;s&gt;, &lt;/s&gt;) are written out: ModelTokenizer has already dropped the
    /// special ids when the caller asked it to skip them, so any that reach here were asked for.
    /// </remarks>
    public string Decode(IReadOnlyList<int> ids) => _library.Decode(ids, considerSpecialTokens: true);

    public int? IdOf(string token) => _library.Vocabulary.TryGetValue(token, out int id) ? id : null;
}
