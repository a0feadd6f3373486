using System.Text.Json;

namespace Lora.Runtime.Tokenization;

/// <summary>
/// Reads a Hugging Face <c>tokenizer.json</c> whose model is a byte-level BPE (GPT-2, Qwen2, Llama 3):
/// <c>model.vocab</c>, <c>model.merges</c> (as "a b" strings or, in files written by tokenizers 0.20 and
/// later, as ["a", "b"] pairs), the pre-tokenizer and normalizer, and <c>added_tokens</c>.
/// </summary>
internal sealed class TokenizerJsonFile
{
    public const string FileName = "tokenizer.json";

    private readonly string _path;
    private readonly JsonElement _root;
    private readonly JsonElement _model;

    private TokenizerJsonFile(string path, JsonElement root, JsonElement model, string modelType)
    {
        _path = path;
        _root = root;
        _model = model;
        ModelType = modelType;
    }

    /// <summary>"BPE", "WordPiece", "Unigram", "WordLevel", as the file says.</summary>
    public string ModelType { get; }

    /// <summary>
    /// True when the pre-tokenizer works on bytes (ByteLevel). A BPE without it is a SentencePiece
    /// conversion (Llama 2, Mistral: Metaspace and byte_fallback), whose tokenizer.model we read instead.
    /// </summary>
    public bool IsByteLevel => FindPreTokenizer("ByteLevel") is not null;

    public static TokenizerJsonFile Read(string path, JsonDocument document)
    {
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new TokenizerLoadException(path, "a Hugging Face tokenizer.json with a \"model\" object",
                root.ValueKind == JsonValueKind.Object ? "no \"model\" object" : JsonFile.Describe(root));
        }
        // Files from old tokenizers releases may omit model.type; for BPE; "merges" identifies it.
        string modelType = model.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : model.TryGetProperty("merges", out _) ? "BPE" : "a model without a \"type\"";
        return new TokenizerJsonFile(path, root, model, modelType);
    }

    public TokenizerLoadException UnsupportedModel(string expected) =>
        new(_path, expected, $"model.type \"{ModelType}\"" + (ModelType == "BPE" && !IsByteLevel ? " without a ByteLevel pre-tokenizer" : ""));

    /// <summary>model.vocab: token (in byte-level characters) to id.</summary>
    internal Dictionary<string, int> ReadVocabulary() => Gpt2VocabFiles.ReadVocabulary(Property(_model, "vocab", "model"), _path, "model.vocab");

    /// <summary>The regex of the pre-tokenizer's Split step, as the file writes it; null when there is none (ByteLevel's own GPT-2 regex).</summary>
    internal string? SplitPattern() =>
        TokenizerJsonSettings.FindStep(_root, "pre_tokenizer", "pretokenizers", "Split") is { } split
        && split.TryGetProperty("pattern", out var pattern) && pattern.ValueKind == JsonValueKind.Object
        && pattern.TryGetProperty("Regex", out var regex) && regex.ValueKind == JsonValueKind.String ? regex.GetString() : null;

    public ByteLevelBpeModel LoadModel()
    {
        var vocabulary = Gpt2VocabFiles.ReadVocabulary(Property(_model, "vocab", "model"), _path, "model.vocab");
        var merges = ReadMerges();
        var settings = TokenizerJsonSettings.Read(_path, _root, FindPreTokenizer("ByteLevel")!.Value, _model);
        return ByteLevelBpeModel.Create(vocabulary, merges, settings);
    }

    /// <summary>The added_tokens list: tokens matched verbatim before BPE, with their "special" flag.</summary>
    public IReadOnlyList<AddedToken> ReadAddedTokens()
    {
        if (!_root.TryGetProperty("added_tokens", out var added) || added.ValueKind == JsonValueKind.Null)
        {
            return [];
        }
        if (added.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerLoadException(_path, "added_tokens to be an array", JsonFile.Describe(added));
        }
        var tokens = new List<AddedToken>();
        foreach (var token in added.EnumerateArray())
        {
            if (token.ValueKind != JsonValueKind.Object
                || !token.TryGetProperty("id", out var id) || !id.TryGetInt32(out int tokenId)
                || !token.TryGetProperty("content", out var content) || content.ValueKind != JsonValueKind.String)
            {
                throw new TokenizerLoadException(_path, "each added_tokens entry to have an integer \"id\" and a string \"content\"",
                    token.GetRawText());
            }
            bool special = token.TryGetProperty("special", out var flag) && flag.ValueKind == JsonValueKind.True;
            tokens.Add(new AddedToken(content.GetString()!, tokenId, special));
        }
        return tokens;
    }

    /// <summary>model.merges as "left right" strings, in rank order.</summary>
    internal List<string> ReadMerges()
    {
        var mergesElement = Property(_model, "merges", "model");
        if (mergesElement.ValueKind != JsonValueKind.Array)
        {
            throw new TokenizerLoadException(_path, "model.merges to be an array", JsonFile.Describe(mergesElement));
        }
        var merges = new List<string>(mergesElement.GetArrayLength());
        int index = 0;
        foreach (var merge in mergesElement.EnumerateArray())
        {
            merges.Add(ReadMerge(merge, index++));
        }
        return merges;
    }

    private string ReadMerge(JsonElement merge, int index)
    {
        string? left = null, right = null;
        if (merge.ValueKind == JsonValueKind.String)
        {
            var parts = merge.GetString()!.Split(' ');
            if (parts.Length == 2)
            {
                (left, right) = (parts[0], parts[1]);
            }
        }
        else if (merge.ValueKind == JsonValueKind.Array && merge.GetArrayLength() == 2
                 && merge[0].ValueKind == JsonValueKind.String && merge[1].ValueKind == JsonValueKind.String)
        {
            (left, right) = (merge[0].GetString(), merge[1].GetString());
        }
        // Microsoft.ML.Tokenizers takes merges as "left right"; byte-level tokens never hold a
        // literal space (it is "Ġ"), so a space inside a token means the file is not byte-level BPE.
        if (string.IsNullOrEmpty(left) || string.IsNullOrEmpty(right) || left.Contains(' ') || right.Contains(' '))
        {
            throw new TokenizerLoadException(_path, $"model.merges[{index}] to be \"left right\" or [\"left\", \"right\"] with no space inside a token",
                merge.GetRawText());
        }
        return left + " " + right;
    }

    private JsonElement? FindPreTokenizer(string type) => TokenizerJsonSettings.FindStep(_root, "pre_tokenizer", "pretokenizers", type);

    private JsonElement Property(JsonElement parent, string name, string parentName) =>
        parent.TryGetProperty(name, out var value)
            ? value
            : throw new TokenizerLoadException(_path, $"a \"{name}\" entry in {parentName}", "none");
}
