namespace Lora.Runtime.Tokenization;

/// <summary>
/// Picks the tokenizer format of a model folder and loads it. Order, first match wins:
/// <list type="number">
/// <item><c>tokenizer.json</c> with a byte-level BPE model ("tokenizer.json-bpe": GPT-2, Qwen2, Llama 3);</item>
/// <item><c>tokenizer.model</c>, a SentencePiece BPE ("sentencepiece": Llama 2, Mistral), also when a
/// tokenizer.json beside it is the Hugging Face conversion of it;</item>
/// <item><c>vocab.json</c> + <c>merges.txt</c> ("gpt2-bpe");</item>
/// <item>a <c>tokenizer.json</c> of another kind is reported as unsupported, naming its model type.</item>
/// </list>
/// </summary>
internal static class TokenizerFolderLoader
{
    public const string TokenizerJsonBpeKind = "tokenizer.json-bpe";
    public const string SentencePieceKind = "sentencepiece";
    public const string Gpt2BpeKind = "gpt2-bpe";

    public static ModelTokenizer Load(string modelDir)
    {
        if (!Directory.Exists(modelDir))
        {
            throw new TokenizerLoadException(modelDir, "a model folder", File.Exists(modelDir) ? "a file" : "no such folder");
        }
        var addedTokens = new AddedTokenTable();
        var (kind, model, defaults) = LoadModel(modelDir, addedTokens);

        using var configFiles = ModelConfigFiles.Read(modelDir);
        foreach (var token in configFiles.ReadAddedTokensDecoder())
        {
            addedTokens.Add(token);
        }
        int vocabSize = VocabSize(model, addedTokens);
        var specialIds = new SpecialTokenResolver(configFiles, model, addedTokens, vocabSize).Resolve(defaults);
        return new ModelTokenizer(kind, model, addedTokens, specialIds, BosRule.AddsBos(kind, specialIds.BosId, modelDir));
    }

    /// <summary>Ids one past the largest id of the model or of its added tokens.</summary>
    public static int VocabSize(ISubwordModel model, AddedTokenTable addedTokens) =>
        Math.Max(model.Size, addedTokens.Tokens.Count == 0 ? 0 : addedTokens.Tokens.Max(t => t.Id) + 1);

    private static (string Kind, ISubwordModel Model, SpecialTokenDefaults Defaults) LoadModel(string dir, AddedTokenTable addedTokens)
    {
        string tokenizerJson = Path.Combine(dir, TokenizerJsonFile.FileName);
        string sentencePiece = Path.Combine(dir, SentencePieceModelFile.FileName);
        string vocab = Path.Combine(dir, Gpt2VocabFiles.VocabFileName);
        string merges = Path.Combine(dir, Gpt2VocabFiles.MergesFileName);

        // A tokenizer.json we cannot use is reported only if no tokenizer.model can stand in for it.
        TokenizerLoadException? unsupportedJson = null;
        if (File.Exists(tokenizerJson))
        {
            using var document = JsonFile.Parse(tokenizerJson);
            var json = TokenizerJsonFile.Read(tokenizerJson, document);
            if (json.ModelType == "BPE" && json.IsByteLevel)
            {
                var model = json.LoadModel();
                foreach (var token in json.ReadAddedTokens())
                {
                    addedTokens.Add(token);
                }
                return (TokenizerJsonBpeKind, model, SpecialTokenDefaults.None);
            }
            unsupportedJson = json.UnsupportedModel("model.type \"BPE\" with a ByteLevel pre-tokenizer (or a tokenizer.model beside it)");
        }
        if (File.Exists(sentencePiece))
        {
            var model = SentencePieceBpeModel.Load(sentencePiece);
            return (SentencePieceKind, model, new SpecialTokenDefaults(
                NonNegative(model.BeginningOfSentenceId), NonNegative(model.EndOfSentenceId), NonNegative(model.File.PadId)));
        }
        if (unsupportedJson is not null)
        {
            throw unsupportedJson;
        }
        if (File.Exists(vocab))
        {
            if (!File.Exists(merges))
            {
                throw new TokenizerLoadException(merges, $"the BPE merges that go with {Gpt2VocabFiles.VocabFileName}", "no such file");
            }
            var model = Gpt2VocabFiles.Load(vocab, merges);
            return (Gpt2BpeKind, model, Gpt2Defaults(model, addedTokens));
        }
        throw new TokenizerLoadException(dir,
            $"a tokenizer: {TokenizerJsonFile.FileName}, {SentencePieceModelFile.FileName}, or {Gpt2VocabFiles.VocabFileName} with {Gpt2VocabFiles.MergesFileName}",
            DescribeFolder(dir));
    }

    /// <summary>
    /// GPT-2 folders often carry no config naming "&lt;|endoftext|&gt;"; Hugging Face's GPT2Tokenizer then
    /// defaults BOS and EOS to it, and so do we.
    /// </summary>
    private static SpecialTokenDefaults Gpt2Defaults(ByteLevelBpeModel model, AddedTokenTable addedTokens)
    {
        if (model.IdOf(TiktokenGpt2Model.EndOfText) is not int endOfText)
        {
            return SpecialTokenDefaults.None;
        }
        addedTokens.Add(new AddedToken(TiktokenGpt2Model.EndOfText, endOfText, IsSpecial: true));
        return new SpecialTokenDefaults(endOfText, endOfText, null);
    }

    private static int? NonNegative(int id) => id >= 0 ? id : null;

    private static string DescribeFolder(string dir)
    {
        var names = Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToList();
        return names.Count == 0 ? "an empty folder" : "only " + string.Join(", ", names.Take(12)) + (names.Count > 12 ? ", …" : "");
    }
}
