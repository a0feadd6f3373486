using System.Text;
using System.Text.RegularExpressions;
using Microsoft.ML.Tokenizers;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// Byte-level BPE as GPT-2, Qwen2 and Llama 3 use it: the text is split by a regex, each piece is turned
/// into UTF-8 bytes mapped to printable characters ("Ġ" for a space), and merges are applied by rank.
/// Encoding and decoding are Microsoft.ML.Tokenizers' <see cref="BpeTokenizer"/>.
/// </summary>
internal sealed class ByteLevelBpeModel : ISubwordModel
{
    /// <summary>GPT-2's pre-tokenizer regex, also the default of Hugging Face's ByteLevel(use_regex=true).</summary>
    public const string Gpt2SplitPattern =
        @"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+";

    private readonly BpeTokenizer _bpe;
    private readonly IReadOnlyDictionary<string, int> _vocabulary;
    private readonly ByteLevelBpeSettings _settings;

    private ByteLevelBpeModel(BpeTokenizer bpe, IReadOnlyDictionary<string, int> vocabulary, ByteLevelBpeSettings settings)
    {
        _bpe = bpe;
        _vocabulary = vocabulary;
        _settings = settings;
        Size = vocabulary.Count == 0 ? 0 : vocabulary.Values.Max() + 1;
    }

    public int Size { get; }

    /// <param name="vocabulary">Token (in byte-level characters) to id.</param>
    /// <param name="merges">Merge rules in rank order, each as "left right".</param>
    /// <param name="settings">Pre-tokenization and normalization read from the tokenizer files.</param>
    public static ByteLevelBpeModel Create(IReadOnlyDictionary<string, int> vocabulary, IReadOnlyList<string> merges, ByteLevelBpeSettings settings)
    {
        var options = new BpeOptions(vocabulary)
        {
            Merges = merges,
            ByteLevel = true,
            // Added tokens never reach this model (AddedTokenTable splits them out), so the
            // pre-tokenizer needs no special tokens of its own.
            PreTokenizer = new RegexPreTokenizer(settings.SplitRegex, specialTokens: null),
            UnknownToken = settings.UnknownToken,
        };
        return new ByteLevelBpeModel(BpeTokenizer.Create(options), vocabulary, settings);
    }

    public IReadOnlyList<int> Encode(string text)
    {
        if (_settings.Normalization is NormalizationForm form)
        {
            text = text.Normalize(form);
        }
        // Hugging Face's ByteLevel(add_prefix_space=true) adds the space to every plain segment
        // that does not start with one, so that a leading word gets its "Ġword" form.
        if (_settings.AddPrefixSpace && text.Length > 0 && text[0] != ' ')
        {
            text = " " + text;
        }
        return _bpe.EncodeToIds(text);
    }

    public string Decode(IReadOnlyList<int> ids) => _bpe.Decode(ids, considerSpecialTokens: false);

    public int? IdOf(string token) => _vocabulary.TryGetValue(token, out int id) ? id : null;
}

/// <summary>How a byte-level BPE prepares text before merging.</summary>
/// <param name="SplitRegex">The pre-tokenizer regex that cuts the text into words.</param>
/// <param name="AddPrefixSpace">Whether a space is put before text that does not start with one.</param>
/// <param name="Normalization">Unicode normalization applied first (Qwen2 uses NFC), or null.</param>
/// <param name="UnknownToken">Token for ids the vocabulary lacks; byte-level vocabularies need none.</param>
internal sealed record ByteLevelBpeSettings(Regex SplitRegex, bool AddPrefixSpace, NormalizationForm? Normalization, string? UnknownToken)
{
    public static ByteLevelBpeSettings Gpt2 { get; } =
        new(new Regex(ByteLevelBpeModel.Gpt2SplitPattern, RegexOptions.CultureInvariant), false, null, null);
}
