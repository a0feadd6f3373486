using System.Text.Json;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Export.Gguf;

/// <summary>
/// A tokenizer as llama.cpp's <c>tokenizer.ggml.*</c> keys describe it: "gpt2" (byte-level BPE: tokens, types, merges and the
/// pre-tokenizer's name) or "llama" (SentencePiece: tokens, types, scores), one entry per row of the embedding table.
/// </summary>
public sealed record GgufVocabulary(string Model, string Pre, IReadOnlyList<string> Tokens, IReadOnlyList<int> Types,
    IReadOnlyList<string>? Merges, IReadOnlyList<float>? Scores, int? UnknownId)
{
    /// <summary>llama_token_type: 1 normal, 2 unknown, 3 control, 4 user-defined, 5 unused, 6 byte (SentencePiece's numbering too).</summary>
    public const int Normal = 1, Control = 3, UserDefined = 4, Unused = 5;

    /// <summary>
    /// The pre-tokenizer names llama.cpp knows for the split regexes our byte-level BPE reads: GPT-2's (also ByteLevel's
    /// default), Llama 3's and Qwen2's, as tokenizer.json writes them.
    /// </summary>
    static readonly Dictionary<string, string> PreTokenizers = new(StringComparer.Ordinal)
    {
        [ByteLevelBpeModel.Gpt2SplitPattern] = "gpt-2",
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = "llama-bpe",
        [@"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"] = "qwen2",
    };

    /// <summary>
    /// Reads <paramref name="modelFolder"/>'s tokenizer files (the format <paramref name="tokenizer"/> was loaded from) and pads
    /// the list to <paramref name="rows"/> entries with unused "[PADn]" tokens, as llama.cpp's converter does.
    /// </summary>
    /// <exception cref="GgufExportException">The tokenizer is a kind llama.cpp would split differently, or has more ids than the model has rows.</exception>
    internal static GgufVocabulary Read(string modelFolder, ModelTokenizer tokenizer, int rows)
    {
        var vocabulary = tokenizer.Kind switch
        {
            TokenizerFolderLoader.Gpt2BpeKind => Bpe(Gpt2VocabFiles.ReadVocabulary(Path.Combine(modelFolder, Gpt2VocabFiles.VocabFileName)),
                Gpt2VocabFiles.ReadMerges(Path.Combine(modelFolder, Gpt2VocabFiles.MergesFileName)), "gpt-2"),
            TokenizerFolderLoader.TokenizerJsonBpeKind => FromTokenizerJson(Path.Combine(modelFolder, TokenizerJsonFile.FileName)),
            TokenizerFolderLoader.SentencePieceKind => SentencePiece(Path.Combine(modelFolder, SentencePieceModelFile.FileName)),
            _ => throw new GgufExportException($"{modelFolder}: a {tokenizer.Kind} tokenizer has no GGUF form here; expected vocab.json with merges.txt, a byte-level BPE tokenizer.json or a SentencePiece tokenizer.model."),
        };
        var tokens = vocabulary.Tokens.ToList();
        var types = vocabulary.Types.ToList();
        foreach (var added in tokenizer.AddedTokens)
        {
            while (tokens.Count <= added.Id)
            {
                tokens.Add($"[PAD{tokens.Count}]");
                types.Add(Unused);
            }
            tokens[added.Id] = added.Content;
            types[added.Id] = added.IsSpecial ? Control : UserDefined;
        }
        if (tokens.Count > rows)
            throw new GgufExportException($"{modelFolder}: the tokenizer has {tokens.Count} tokens but the model's embedding has {rows} rows (vocab_size); llama.cpp needs one token per row.");
        var scores = vocabulary.Scores?.ToList();
        while (tokens.Count < rows)
        {
            tokens.Add($"[PAD{tokens.Count}]");
            types.Add(Unused);
            scores?.Add(-1000f);
        }
        return vocabulary with { Tokens = tokens, Types = types, Scores = scores };
    }

    static GgufVocabulary FromTokenizerJson(string path)
    {
        using var document = JsonFile.Parse(path);
        var json = TokenizerJsonFile.Read(path, document);
        var pattern = json.SplitPattern() ?? ByteLevelBpeModel.Gpt2SplitPattern;
        if (!PreTokenizers.TryGetValue(pattern, out var pre))
            throw new GgufExportException($"{path}: the pre-tokenizer's split regex is not one llama.cpp names (GPT-2's, Llama 3's or Qwen2's): {pattern}. " +
                "llama.cpp would cut text into different words and encode prompts differently.");
        return Bpe(json.ReadVocabulary(), json.ReadMerges(), pre);
    }

    static GgufVocabulary Bpe(Dictionary<string, int> vocabulary, IReadOnlyList<string> merges, string pre)
    {
        int size = vocabulary.Values.Max() + 1;
        var tokens = Enumerable.Range(0, size).Select(i => $"[PAD{i}]").ToArray();
        var types = Enumerable.Repeat(Unused, size).ToArray();
        foreach (var (token, id) in vocabulary)
        {
            tokens[id] = token;
            types[id] = Normal;
        }
        return new GgufVocabulary("gpt2", pre, tokens, types, merges, null, null);
    }

    static GgufVocabulary SentencePiece(string path)
    {
        var file = SentencePieceModelFile.Parse(path, File.ReadAllBytes(path));
        if (file.ModelType != SentencePieceModelType.Bpe)
            throw new GgufExportException($"{path}: a SentencePiece {file.ModelType} model; the export writes SentencePiece BPE (llama.cpp's \"llama\" tokenizer).");
        int unknown = file.Pieces.ToList().FindIndex(p => p.Type == SentencePieceType.Unknown);
        return new GgufVocabulary("llama", "default", file.Pieces.Select(p => p.Text).ToList(), file.Pieces.Select(p => (int)p.Type).ToList(),
            null, file.Pieces.Select(p => p.Score).ToList(), unknown >= 0 ? unknown : null);
    }

    /// <summary>Adds the <c>tokenizer.ggml.*</c> keys and, when the folder has one, <c>tokenizer.chat_template</c>.</summary>
    internal void AddTo(GgufMetadata metadata, ModelTokenizer tokenizer, string? chatTemplate)
    {
        metadata.Add("tokenizer.ggml.model", Model);
        metadata.Add("tokenizer.ggml.pre", Pre);
        metadata.Add("tokenizer.ggml.tokens", GgufValue.Strings(Tokens));
        if (Scores is not null) metadata.Add("tokenizer.ggml.scores", GgufValue.Float32s(Scores));
        metadata.Add("tokenizer.ggml.token_type", GgufValue.Int32s(Types));
        if (Merges is not null) metadata.Add("tokenizer.ggml.merges", GgufValue.Strings(Merges));
        if (tokenizer.BosId is int bos) metadata.Add("tokenizer.ggml.bos_token_id", (uint)bos);
        if (tokenizer.EosId is int eos) metadata.Add("tokenizer.ggml.eos_token_id", (uint)eos);
        if (UnknownId is int unk) metadata.Add("tokenizer.ggml.unknown_token_id", (uint)unk);
        if (tokenizer.PadId is int pad) metadata.Add("tokenizer.ggml.padding_token_id", (uint)pad);
        metadata.Add("tokenizer.ggml.add_bos_token", tokenizer.AddsBos);
        metadata.Add("tokenizer.ggml.add_eos_token", false);
        if (chatTemplate is not null) metadata.Add("tokenizer.chat_template", chatTemplate);
    }
}
