using Lora.Runtime.Tokenization;
using Xunit;

namespace Lora.Runtime.Tests.Tokenization;

/// <summary>
/// BOS, EOS and PAD from the config files of a model folder, in the documented order:
/// tokenizer_config.json, special_tokens_map.json, generation_config.json, config.json, then the
/// tokenizer format's own default.
/// </summary>
public sealed class SpecialTokenResolutionTests
{
    // Ids in the GPT-2 test tokenizer.json (first 10,000 merges): "!" 0, "Hello"-ish pieces, "<|endoftext|>" 10256.
    private const int EndOfText = 10256;
    private const int Exclamation = 0;
    private const int Quote = 1;
    private const int Hash = 2;

    [Fact]
    public void Tokenizer_config_names_tokens_as_strings()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2TokenizerJson);
        folder.Write("tokenizer_config.json", """{"bos_token": "<|endoftext|>", "eos_token": "<|endoftext|>", "pad_token": "!"}""");

        var tokenizer = ModelTokenizer.Load(folder.Path);

        Assert.Equal(EndOfText, tokenizer.BosId);
        Assert.Equal(EndOfText, tokenizer.EosId);
        Assert.Equal(Exclamation, tokenizer.PadId);
        Assert.Equal([EndOfText, 39, 695, 78, 995], tokenizer.Encode("Hello world", addBos: true));
    }

    [Fact]
    public void Tokenizer_config_names_tokens_as_content_objects()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2TokenizerJson);
        folder.Write("tokenizer_config.json", """
            {"bos_token": {"content": "\"", "lstrip": false, "__type": "AddedToken"},
             "eos_token": {"content": "<|endoftext|>", "special": true}}
            """);

        var tokenizer = ModelTokenizer.Load(folder.Path);

        Assert.Equal(Quote, tokenizer.BosId);
        Assert.Equal(EndOfText, tokenizer.EosId);
        Assert.Null(tokenizer.PadId);
    }

    [Fact]
    public void Special_tokens_map_fills_what_tokenizer_config_leaves_out_and_loses_where_both_speak()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2TokenizerJson);
        folder.Write("tokenizer_config.json", """{"eos_token": "<|endoftext|>"}""");
        folder.Write("special_tokens_map.json", """{"eos_token": "!", "pad_token": {"content": "#"}}""");

        var tokenizer = ModelTokenizer.Load(folder.Path);

        Assert.Equal(EndOfText, tokenizer.EosId);
        Assert.Equal(Hash, tokenizer.PadId);
    }

    [Fact]
    public void Generation_config_eos_list_gives_the_first_as_eos_and_all_as_stop_ids()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2TokenizerJson);
        folder.Write("generation_config.json", """{"bos_token_id": 1, "eos_token_id": [10256, 2], "pad_token_id": null}""");
        folder.Write("config.json", """{"bos_token_id": 0, "eos_token_id": 0, "pad_token_id": 0}""");

        var tokenizer = ModelTokenizer.Load(folder.Path);

        Assert.Equal(Quote, tokenizer.BosId);
        Assert.Equal(EndOfText, tokenizer.EosId);
        Assert.Equal([EndOfText, Hash], tokenizer.EosIds);
        // A null id means "unset": config.json's pad id is used.
        Assert.Equal(Exclamation, tokenizer.PadId);
    }

    [Fact]
    public void Named_eos_comes_first_and_the_generation_stop_ids_follow()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2TokenizerJson);
        folder.Write("tokenizer_config.json", """{"eos_token": "#"}""");
        folder.Write("generation_config.json", """{"eos_token_id": [10256, 2]}""");

        var tokenizer = ModelTokenizer.Load(folder.Path);

        Assert.Equal(Hash, tokenizer.EosId);
        Assert.Equal([Hash, EndOfText], tokenizer.EosIds);
    }

    [Fact]
    public void Config_json_ids_are_used_when_nothing_else_names_a_token()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2TokenizerJson);
        folder.Write("config.json", """{"architectures": ["GPT2LMHeadModel"], "bos_token_id": 10256, "eos_token_id": 10256}""");

        var tokenizer = ModelTokenizer.Load(folder.Path);

        Assert.Equal(EndOfText, tokenizer.BosId);
        Assert.Equal([EndOfText], tokenizer.EosIds);
        Assert.Null(tokenizer.PadId);
        // Tokens known only by id are still skipped when decoding.
        Assert.Equal("Hello", tokenizer.Decode([EndOfText, 39, 695, 78]));
    }

    [Fact]
    public void Explicit_null_in_tokenizer_config_means_no_bos_even_if_config_json_has_one()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2TokenizerJson);
        // Qwen2's layout: no BOS for the tokenizer, a bos_token_id for the model.
        folder.Write("tokenizer_config.json", """{"bos_token": null, "eos_token": "<|endoftext|>"}""");
        folder.Write("config.json", """{"bos_token_id": 10256, "eos_token_id": 10256}""");

        var tokenizer = ModelTokenizer.Load(folder.Path);

        Assert.Null(tokenizer.BosId);
        Assert.Equal([39, 695, 78, 995], tokenizer.Encode("Hello world", addBos: true));
    }

    [Fact]
    public void Sentencepiece_defaults_give_way_to_the_tokenizer_config()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.SentencePieceBpe);
        folder.Write("tokenizer_config.json", """{"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<unk>"}""");

        var tokenizer = ModelTokenizer.Load(folder.Path);

        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal(2, tokenizer.EosId);
        Assert.Equal(0, tokenizer.PadId);
        // Named special tokens are matched whole in text, as Hugging Face does.
        Assert.Equal([825, 920, 406, 921, 2], tokenizer.Encode("Hello</s>", addBos: false));
    }

    [Fact]
    public void Added_tokens_decoder_of_tokenizer_config_adds_chat_markers()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2);
        folder.Write("tokenizer_config.json", """
            {"added_tokens_decoder": {
               "50256": {"content": "<|endoftext|>", "special": true},
               "50257": {"content": "<|im_start|>", "special": true},
               "50258": {"content": "<|im_end|>", "special": true}},
             "eos_token": "<|im_end|>"}
            """);

        var tokenizer = ModelTokenizer.Load(folder.Path);

        Assert.Equal(50259, tokenizer.VocabSize);
        Assert.Equal(50258, tokenizer.EosId);
        var ids = tokenizer.Encode("<|im_start|>Hello world<|im_end|>", addBos: false);
        Assert.Equal([50257, 15496, 995, 50258], ids);
        Assert.Equal("Hello world", tokenizer.Decode(ids));
        Assert.Equal("<|im_start|>Hello world<|im_end|>", tokenizer.Decode(ids, skipSpecial: false));
    }

    [Fact]
    public void Token_named_in_a_config_but_absent_from_the_vocabulary_is_an_error_naming_the_file()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2TokenizerJson);
        string config = folder.Write("tokenizer_config.json", """{"pad_token": "<pad>"}""");

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(config, error.FilePath);
        Assert.Contains("pad_token", error.Message);
        Assert.Contains("<pad>", error.Message);
    }

    [Theory]
    [InlineData("""{"eos_token_id": 10257}""")]
    [InlineData("""{"eos_token_id": [2, -1]}""")]
    [InlineData("""{"eos_token_id": "2"}""")]
    public void Id_outside_the_vocabulary_in_config_json_is_an_error_naming_the_file(string content)
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2TokenizerJson);
        string config = folder.Write("config.json", content);

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(config, error.FilePath);
        Assert.Contains("eos_token_id", error.Message);
    }
}
