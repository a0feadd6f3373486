using Lora.Runtime.Tokenization;
using Xunit;

namespace Lora.Runtime.Tests.Tokenization;

/// <summary>GPT-2 byte-level BPE from vocab.json + merges.txt, and <see cref="ModelTokenizer.Gpt2"/>.</summary>
public sealed class Gpt2BpeTests
{
    private static readonly Lazy<ModelTokenizer> FromFolder = new(() => ModelTokenizer.Load(TokenizerTestData.Folder(TokenizerTestData.Gpt2)));
    private static readonly Lazy<ModelTokenizer> FromPackage = new(ModelTokenizer.Gpt2);

    public static TheoryData<string> Texts => new()
    {
        "Hello world",
        " the",
        "It's   spaces\tand\ttabs\n\nand blank lines",
        "Café naïve 日本語 🙂",
        "aaaaaaaaaaa !!!!!!!!!! ================ ....",
        "        indented(code) { return x[0] + 1234567; }",
        "before<|endoftext|>after",
        "",
    };

    [Fact]
    public void Folder_with_vocab_and_merges_loads_as_gpt2_bpe_with_endoftext_as_bos_and_eos()
    {
        var tokenizer = FromFolder.Value;

        Assert.Equal("gpt2-bpe", tokenizer.Kind);
        Assert.Equal(50257, tokenizer.VocabSize);
        Assert.Equal(50256, tokenizer.BosId);
        Assert.Equal(50256, tokenizer.EosId);
        Assert.Equal([50256], tokenizer.EosIds);
        Assert.Null(tokenizer.PadId);
    }

    [Fact]
    public void Known_gpt2_ids_come_out_of_the_folder_tokenizer()
    {
        var tokenizer = FromFolder.Value;

        Assert.Equal([15496, 995], tokenizer.Encode("Hello world", addBos: false));
        Assert.Equal([262], tokenizer.Encode(" the", addBos: false));
        Assert.Equal([50256, 15496, 995], tokenizer.Encode("Hello world", addBos: true));
    }

    [Fact]
    public void Endoftext_written_in_text_is_one_special_id()
    {
        Assert.Equal([15496, 50256, 262], FromFolder.Value.Encode("Hello<|endoftext|> the", addBos: false));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Folder_tokenizer_encodes_like_the_gpt2_data_package(string text)
    {
        Assert.Equal(FromPackage.Value.Encode(text, addBos: false), FromFolder.Value.Encode(text, addBos: false));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void Decode_returns_the_encoded_text(string text)
    {
        foreach (var tokenizer in new[] { FromFolder.Value, FromPackage.Value })
        {
            var ids = tokenizer.Encode(text, addBos: false);
            Assert.Equal(text, tokenizer.Decode(ids, skipSpecial: false));
        }
    }

    [Fact]
    public void Decode_drops_endoftext_unless_asked_to_keep_special_tokens()
    {
        int[] ids = [50256, 15496, 995, 50256];

        Assert.Equal("Hello world", FromFolder.Value.Decode(ids));
        Assert.Equal("<|endoftext|>Hello world<|endoftext|>", FromFolder.Value.Decode(ids, skipSpecial: false));
        Assert.Equal("Hello world", FromPackage.Value.Decode(ids));
    }

    [Fact]
    public void Gpt2_from_the_data_package_has_gpt2_ids_and_specials()
    {
        var tokenizer = FromPackage.Value;

        Assert.Equal("gpt2-bpe", tokenizer.Kind);
        Assert.Equal(FromFolder.Value.VocabSize, tokenizer.VocabSize);
        Assert.Equal(50256, tokenizer.BosId);
        Assert.Equal(50256, tokenizer.EosId);
        Assert.Null(tokenizer.PadId);
        Assert.Equal([15496, 995], tokenizer.Encode("Hello world", addBos: false));
        Assert.Equal([262], tokenizer.Encode(" the", addBos: false));
        Assert.Equal([50256, 15496, 995], tokenizer.Encode("Hello world", addBos: true));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(50257)]
    public void Decode_rejects_ids_outside_the_vocabulary(int id)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FromFolder.Value.Decode([15496, id]));
        Assert.Contains(id.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
    }
}
