using System.Text.Json;
using System.Text.Json.Nodes;
using Lora.Runtime.Tokenization;
using Xunit;

namespace Lora.Runtime.Tests.Tokenization;

/// <summary>
/// Byte-level BPE tokenizer.json files. Expected ids are Hugging Face tokenizers' own encodings
/// (npm tokenizers 0.23.2, printed by TestData/tokenizers/gpt2-10k-tokenizer-json/make-tokenizer-json.js).
/// </summary>
public sealed class TokenizerJsonTests
{
    private static readonly Lazy<ModelTokenizer> Gpt2Json = new(() => ModelTokenizer.Load(TokenizerTestData.Folder(TokenizerTestData.Gpt2TokenizerJson)));
    private static readonly Lazy<ModelTokenizer> Qwen2StyleJson = new(() => ModelTokenizer.Load(TokenizerTestData.Folder(TokenizerTestData.Qwen2StyleTokenizerJson)));
    private static readonly Lazy<ModelTokenizer> FullGpt2Json = new(() =>
    {
        using var folder = new TempModelFolder();
        folder.Write("tokenizer.json", Gpt2AsTokenizerJson());
        return ModelTokenizer.Load(folder.Path);
    });

    public static TheoryData<string, int[]> HuggingFaceGpt2Encodings => new()
    {
        { "Hello world", [39, 695, 78, 995] },
        { " the", [262] },
        { "The quick brown fox jumps over the lazy dog.", [464, 2068, 7586, 277, 1140, 474, 8142, 625, 262, 300, 1031, 88, 3290, 13] },
        { "It's 2024: tokens, tokens!<|endoftext|>Next line\n\n  indented", [1026, 338, 1160, 1731, 25, 284, 74, 641, 11, 284, 74, 641, 0, 10256, 10019, 1627, 628, 220, 773, 4714] },
        { "Café naïve 日本語 🙂", [34, 1878, 2634, 299, 64, 127, 107, 303, 220, 162, 245, 98, 162, 250, 105, 164, 103, 252, 220, 8582, 247, 224] },
        { "x = [1, 22, 333, 4444]\n\tif (x) { return y; }", [87, 796, 685, 16, 11, 2534, 11, 513, 2091, 11, 604, 2598, 19, 60, 198, 197, 361, 357, 87, 8, 1391, 1441, 331, 26, 1782] },
        { "e\u0301cole", [68, 136, 223, 1073, 293] },
    };

    public static TheoryData<string, int[]> HuggingFaceQwen2StyleEncodings => new()
    {
        { "Hello world", [39, 695, 78, 995] },
        { "It's 2024: tokens, tokens!<|endoftext|>Next line\n\n  indented", [1026, 338, 220, 17, 15, 17, 19, 25, 284, 74, 641, 11, 284, 74, 641, 0, 10256, 10019, 1627, 628, 220, 773, 4714] },
        { "x = [1, 22, 333, 4444]\n\tif (x) { return y; }", [87, 796, 685, 16, 11, 220, 17, 17, 11, 220, 18, 18, 18, 11, 220, 19, 19, 19, 19, 60, 198, 197, 361, 357, 87, 8, 1391, 1441, 331, 26, 1782] },
        // NFC first: "e" + combining acute becomes "é".
        { "e\u0301cole", [2634, 1073, 293] },
    };

    public static TheoryData<string> Texts => new()
    {
        "Hello world",
        "It's   spaces\tand\ttabs\n\nand blank lines",
        "Café naïve 日本語 🙂 <|endoftext|> x",
        "        indented(code) { return x[0] + 1234567; }",
    };

    [Theory]
    [MemberData(nameof(HuggingFaceGpt2Encodings))]
    public void Gpt2_layout_encodes_like_hugging_face(string text, int[] expected)
    {
        Assert.Equal(expected, Gpt2Json.Value.Encode(text, addBos: false));
        Assert.Equal(text, Gpt2Json.Value.Decode(expected, skipSpecial: false));
    }

    [Theory]
    [MemberData(nameof(HuggingFaceQwen2StyleEncodings))]
    public void Qwen2_style_split_regex_and_nfc_encode_like_hugging_face(string text, int[] expected)
    {
        Assert.Equal(expected, Qwen2StyleJson.Value.Encode(text, addBos: false));
    }

    [Fact]
    public void Tokenizer_json_alone_has_added_tokens_but_no_bos_eos_or_pad()
    {
        var tokenizer = Gpt2Json.Value;

        Assert.Equal("tokenizer.json-bpe", tokenizer.Kind);
        Assert.Equal(10257, tokenizer.VocabSize);
        Assert.Null(tokenizer.BosId);
        Assert.Null(tokenizer.EosId);
        Assert.Empty(tokenizer.EosIds);
        Assert.Null(tokenizer.PadId);
        Assert.Equal([39, 695, 78, 995], tokenizer.Encode("Hello world", addBos: true));
    }

    [Fact]
    public void Special_added_token_is_skipped_when_decoding_by_default()
    {
        Assert.Equal("Hello world", Gpt2Json.Value.Decode([39, 695, 78, 10256, 995]));
        Assert.Equal("Hello<|endoftext|> world", Gpt2Json.Value.Decode([39, 695, 78, 10256, 995], skipSpecial: false));
    }

    [Fact]
    public void Merges_as_legacy_strings_encode_like_merges_as_pairs()
    {
        using var folder = new TempModelFolder();
        var json = ReadJson(TokenizerTestData.File(TokenizerTestData.Gpt2TokenizerJson, "tokenizer.json"));
        var merges = json["model"]!["merges"]!.AsArray();
        Assert.IsType<JsonArray>(merges[0]);
        json["model"]!["merges"] = new JsonArray(merges.Select(pair => (JsonNode)JsonValue.Create($"{pair![0]} {pair[1]}")).ToArray());
        folder.Write("tokenizer.json", json.ToJsonString());

        var legacy = ModelTokenizer.Load(folder.Path);

        foreach (var (text, expected) in HuggingFaceGpt2Encodings.Select(row => ((string)row[0], (int[])row[1])))
        {
            Assert.Equal(expected, legacy.Encode(text, addBos: false));
        }
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Full_gpt2_as_tokenizer_json_encodes_like_vocab_json_and_the_gpt2_package(string text)
    {
        var fromJson = FullGpt2Json.Value;
        var fromVocab = ModelTokenizer.Load(TokenizerTestData.Folder(TokenizerTestData.Gpt2));

        var ids = fromJson.Encode(text, addBos: false);

        Assert.Equal(fromVocab.Encode(text, addBos: false), ids);
        Assert.Equal(ModelTokenizer.Gpt2().Encode(text, addBos: false), ids);
        Assert.Equal(text, fromJson.Decode(ids, skipSpecial: false));
    }

    [Fact]
    public void Add_prefix_space_encodes_a_leading_word_as_if_a_space_preceded_it()
    {
        using var folder = new TempModelFolder();
        var json = ReadJson(TokenizerTestData.File(TokenizerTestData.Gpt2TokenizerJson, "tokenizer.json"));
        json["pre_tokenizer"]!["add_prefix_space"] = true;
        folder.Write("tokenizer.json", json.ToJsonString());

        var withPrefix = ModelTokenizer.Load(folder.Path);

        Assert.Equal([262], withPrefix.Encode("the", addBos: false));
        Assert.Equal(Gpt2Json.Value.Encode(" Hello world", addBos: false), withPrefix.Encode("Hello world", addBos: false));
        Assert.Equal(Gpt2Json.Value.Encode(" Hello world", addBos: false), withPrefix.Encode(" Hello world", addBos: false));
    }

    [Fact]
    public void Sentencepiece_conversion_without_byte_level_uses_the_tokenizer_model_beside_it()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.SentencePieceBpe);
        // The shape of Llama 2's tokenizer.json: BPE with byte_fallback, Metaspace, no ByteLevel.
        folder.Write("tokenizer.json", """
            {"added_tokens": [], "normalizer": null,
             "pre_tokenizer": {"type": "Metaspace", "replacement": "▁", "prepend_scheme": "first", "split": false},
             "model": {"type": "BPE", "byte_fallback": true, "vocab": {"<unk>": 0}, "merges": []}}
            """);

        var tokenizer = ModelTokenizer.Load(folder.Path);

        Assert.Equal("sentencepiece", tokenizer.Kind);
        Assert.Equal([825, 920, 406, 921, 282, 264, 522], tokenizer.Encode("Hello world", addBos: false));
    }

    /// <summary>GPT-2's vocab.json and merges.txt written as Hugging Face serializes a tokenizer.json.</summary>
    private static string Gpt2AsTokenizerJson()
    {
        var vocab = ReadJson(TokenizerTestData.File(TokenizerTestData.Gpt2, "vocab.json"));
        var merges = File.ReadLines(TokenizerTestData.File(TokenizerTestData.Gpt2, "merges.txt"))
            .Where(line => line.Length > 0 && !line.StartsWith("#version", StringComparison.Ordinal))
            .Select(line => line.Split(' '))
            .Select(pair => (JsonNode)new JsonArray(pair[0], pair[1]));
        var byteLevel = new JsonObject { ["type"] = "ByteLevel", ["add_prefix_space"] = false, ["trim_offsets"] = true, ["use_regex"] = true };
        var json = new JsonObject
        {
            ["version"] = "1.0",
            ["added_tokens"] = new JsonArray(new JsonObject
            {
                ["id"] = 50256, ["content"] = "<|endoftext|>", ["single_word"] = false, ["lstrip"] = false,
                ["rstrip"] = false, ["normalized"] = true, ["special"] = true,
            }),
            ["normalizer"] = null,
            ["pre_tokenizer"] = byteLevel.DeepClone(),
            ["post_processor"] = byteLevel.DeepClone(),
            ["decoder"] = byteLevel.DeepClone(),
            ["model"] = new JsonObject
            {
                ["type"] = "BPE", ["dropout"] = null, ["unk_token"] = null, ["continuing_subword_prefix"] = "",
                ["end_of_word_suffix"] = "", ["fuse_unk"] = false, ["byte_fallback"] = false, ["ignore_merges"] = false,
                ["vocab"] = vocab, ["merges"] = new JsonArray(merges.ToArray()),
            },
        };
        return json.ToJsonString();
    }

    private static JsonObject ReadJson(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();
}
