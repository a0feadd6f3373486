using Lora.Runtime.Tokenization;
using Xunit;

namespace Lora.Runtime.Tests.Tokenization;

/// <summary>Folders without a usable tokenizer fail with a <see cref="TokenizerLoadException"/> naming the file.</summary>
public sealed class TokenizerLoadErrorTests
{
    [Fact]
    public void Missing_folder_is_named()
    {
        string missing = Path.Combine(Path.GetTempPath(), "lora-no-such-model-" + Guid.NewGuid().ToString("N"));

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(missing));

        Assert.Equal(missing, error.FilePath);
        Assert.Contains("no such folder", error.Message);
    }

    [Fact]
    public void Folder_without_tokenizer_files_lists_what_was_looked_for_and_what_is_there()
    {
        using var folder = new TempModelFolder();
        folder.Write("config.json", "{}");
        folder.Write("model.safetensors", "");

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(folder.Path, error.FilePath);
        foreach (var expected in new[] { "tokenizer.json", "tokenizer.model", "vocab.json", "merges.txt" })
        {
            Assert.Contains(expected, error.Expected);
        }
        Assert.Contains("config.json", error.Found);
        Assert.Contains("model.safetensors", error.Found);
    }

    [Theory]
    [InlineData("WordPiece", """{"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0}}""")]
    [InlineData("Unigram", """{"type": "Unigram", "unk_id": 0, "vocab": [["<unk>", 0.0]]}""")]
    [InlineData("WordLevel", """{"type": "WordLevel", "vocab": {"a": 0}, "unk_token": "a"}""")]
    public void Unsupported_tokenizer_json_model_type_is_named_with_the_file(string type, string model)
    {
        using var folder = new TempModelFolder();
        string path = folder.Write("tokenizer.json", $$"""{"version": "1.0", "added_tokens": [], "model": {{model}}}""");

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains($"\"{type}\"", error.Found);
    }

    [Fact]
    public void Bpe_tokenizer_json_without_byte_level_and_without_tokenizer_model_is_refused()
    {
        using var folder = new TempModelFolder();
        string path = folder.Write("tokenizer.json", """
            {"pre_tokenizer": {"type": "Metaspace", "replacement": "▁"},
             "model": {"type": "BPE", "byte_fallback": true, "vocab": {"<unk>": 0}, "merges": []}}
            """);

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("without a ByteLevel pre-tokenizer", error.Found);
        Assert.Contains("tokenizer.model", error.Expected);
    }

    [Fact]
    public void Corrupt_vocab_json_names_the_file_and_the_position()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.Gpt2);
        string vocab = folder.FilePath("vocab.json");
        string text = File.ReadAllText(vocab);
        File.WriteAllText(vocab, text[..(text.Length / 2)]);

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(vocab, error.FilePath);
        Assert.Contains("vocab.json", error.Message);
        Assert.Contains("line 1", error.Found);
    }

    [Fact]
    public void Vocab_json_with_a_non_integer_id_names_the_token()
    {
        using var folder = new TempModelFolder();
        string vocab = folder.Write("vocab.json", """{"a": 0, "b": "one"}""");
        folder.Write("merges.txt", "#version: 0.2\na b\n");

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(vocab, error.FilePath);
        Assert.Contains("\"b\"", error.Expected);
        Assert.Contains("one", error.Found);
    }

    [Fact]
    public void Vocab_json_without_merges_txt_names_the_missing_file()
    {
        using var folder = new TempModelFolder();
        folder.Write("vocab.json", """{"a": 0}""");

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(folder.FilePath("merges.txt"), error.FilePath);
        Assert.Contains("no such file", error.Found);
    }

    [Fact]
    public void Malformed_merges_line_is_named_by_number()
    {
        using var folder = new TempModelFolder();
        folder.Write("vocab.json", """{"a": 0, "b": 1, "ab": 2}""");
        string merges = folder.Write("merges.txt", "#version: 0.2\na b\nab\n");

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(merges, error.FilePath);
        Assert.Contains("line 3", error.Expected);
    }

    [Fact]
    public void Corrupt_tokenizer_json_names_the_file()
    {
        using var folder = new TempModelFolder();
        string path = folder.Write("tokenizer.json", """{"model": {"type": "BPE", "vocab": {"a": 0}, """);

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("valid JSON", error.Expected);
    }

    [Fact]
    public void Merge_with_a_space_inside_a_token_is_refused_with_its_index()
    {
        using var folder = new TempModelFolder();
        string path = folder.Write("tokenizer.json", """
            {"pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false},
             "model": {"type": "BPE", "vocab": {"a": 0, "b c": 1, "ab c": 2}, "merges": [["a", "b c"]]}}
            """);

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("model.merges[0]", error.Expected);
    }

    [Fact]
    public void Unsupported_pre_tokenizer_step_is_named()
    {
        using var folder = new TempModelFolder();
        string path = folder.Write("tokenizer.json", """
            {"pre_tokenizer": {"type": "Sequence", "pretokenizers": [
                {"type": "Digits", "individual_digits": true},
                {"type": "ByteLevel", "add_prefix_space": false, "use_regex": true}]},
             "model": {"type": "BPE", "vocab": {"a": 0}, "merges": []}}
            """);

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("\"Digits\"", error.Found);
    }

    [Fact]
    public void Corrupt_tokenizer_config_names_the_file()
    {
        using var folder = TempModelFolder.CopyOf(TokenizerTestData.SentencePieceBpe);
        string config = folder.Write("tokenizer_config.json", """{"bos_token": "<s>",,}""");

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(config, error.FilePath);
    }
}
