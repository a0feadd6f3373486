using Lora.Runtime.Tokenization;
using Xunit;

namespace Lora.Runtime.Tests.Tokenization;

/// <summary>
/// SentencePiece BPE tokenizer.model, checked against sentencepiece itself: every expected id list
/// below is the output of `spm_encode --model=tokenizer.model --output_format=id` (sentencepiece
/// 0.1.97) for that line (see TestData/tokenizers/spm-bpe-bytefallback/README.md).
/// </summary>
public sealed class SentencePieceTests
{
    private static readonly Lazy<ModelTokenizer> Tokenizer = new(() => ModelTokenizer.Load(TokenizerTestData.Folder(TokenizerTestData.SentencePieceBpe)));

    public static TheoryData<string, int[]> SpmEncodeOutput => new()
    {
        { "Hello world", [825, 920, 406, 921, 282, 264, 522] },
        { "The licensor grants you a copyright license.", [837, 316, 788, 501, 927, 332, 263, 502, 424, 942] },
        // Runs of spaces: the merge order on ties ("▁▁▁") decides the pieces.
        { "  two leading spaces and  double  spaces", [261, 262, 940, 921, 665, 926, 403, 652, 926, 300, 927, 309, 261, 930, 281, 592, 261, 927, 935, 926, 300, 927] },
        { "    a) You must cause the modified files to carry prominent notices", [271, 263, 957, 380, 567, 275, 917, 270, 791, 582, 927, 293, 275, 538, 936, 341, 934, 268, 307, 658] },
        { "                    GNU GENERAL PUBLIC LICENSE", [486, 271, 627, 435, 636, 543, 952, 946, 365, 966, 980, 946, 949, 947, 308, 949, 947, 636, 821] },
        // Digits are split one by one (split_digits, as in Llama).
        { "Version 3, 29 June 2007", [739, 919, 978, 939, 919, 972, 987, 919, 998, 589, 920, 919, 972, 973, 973, 986] },
        // Characters outside the vocabulary fall back to UTF-8 byte pieces <0xC3> <0xA9> ...
        { "Café naïve 日本語 🙂", [313, 926, 933, 200, 174, 305, 926, 200, 180, 323, 919, 235, 156, 170, 235, 161, 177, 237, 175, 163, 919, 245, 164, 158, 135] },
        { "Wait... what....\ttab", [354, 926, 287, 942, 942, 942, 411, 286, 942, 942, 942, 942, 14, 922, 356] },
        // User-defined pieces (3 and 4) are matched whole and never merged with their neighbours.
        { "<|im_start|>user said  hi<|im_end|>", [919, 3, 932, 857, 288, 926, 701, 261, 588, 4] },
    };

    [Theory]
    [MemberData(nameof(SpmEncodeOutput))]
    public void Encodes_like_sentencepiece(string text, int[] expected)
    {
        Assert.Equal(expected, Tokenizer.Value.Encode(text, addBos: false));
    }

    [Theory]
    [MemberData(nameof(SpmEncodeOutput))]
    public void Decode_returns_the_encoded_text(string text, int[] ids)
    {
        Assert.Equal(text, Tokenizer.Value.Decode(ids));
    }

    [Fact]
    public void Model_file_alone_gives_its_own_bos_and_eos_and_no_pad()
    {
        var tokenizer = Tokenizer.Value;

        Assert.Equal("sentencepiece", tokenizer.Kind);
        Assert.Equal(1000, tokenizer.VocabSize);
        Assert.Equal(1, tokenizer.BosId);
        Assert.Equal(2, tokenizer.EosId);
        Assert.Equal([2], tokenizer.EosIds);
        Assert.Null(tokenizer.PadId);
    }

    [Fact]
    public void AddBos_puts_the_model_bos_first()
    {
        Assert.Equal([1, 825, 920, 406, 921, 282, 264, 522], Tokenizer.Value.Encode("Hello world", addBos: true));
    }

    [Fact]
    public void Decode_skips_bos_and_eos_unless_asked_to_keep_them()
    {
        int[] ids = [1, 825, 920, 406, 921, 282, 264, 522, 2];

        Assert.Equal("Hello world", Tokenizer.Value.Decode(ids));
        Assert.Equal("<s>Hello world</s>", Tokenizer.Value.Decode(ids, skipSpecial: false));
    }

    [Fact]
    public void Empty_text_encodes_to_nothing_but_bos()
    {
        Assert.Empty(Tokenizer.Value.Encode("", addBos: false));
        Assert.Equal([1], Tokenizer.Value.Encode("", addBos: true));
    }

    [Fact]
    public void Unigram_model_is_refused_with_its_file_and_type()
    {
        string folder = TokenizerTestData.Folder(TokenizerTestData.SentencePieceUnigram);

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder));

        Assert.Equal(Path.Combine(folder, "tokenizer.model"), error.FilePath);
        Assert.Contains("UNIGRAM", error.Message);
        Assert.Contains("BPE", error.Message);
    }

    [Fact]
    public void Tiktoken_file_named_tokenizer_model_is_recognised_in_the_error()
    {
        using var folder = new TempModelFolder();
        // The layout of Llama 3's original/tokenizer.model: "<base64 bytes> <rank>" per line.
        string path = folder.Write("tokenizer.model", "IQ== 0\nIg== 1\nIw== 2\n");

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("tiktoken", error.Message);
    }

    [Fact]
    public void Truncated_model_file_is_an_error_naming_it()
    {
        using var folder = new TempModelFolder();
        byte[] model = File.ReadAllBytes(TokenizerTestData.File(TokenizerTestData.SentencePieceBpe, "tokenizer.model"));
        string path = folder.FilePath("tokenizer.model");
        File.WriteAllBytes(path, model[..(model.Length / 2)]);

        var error = Assert.Throws<TokenizerLoadException>(() => ModelTokenizer.Load(folder.Path));

        Assert.Equal(path, error.FilePath);
        Assert.Contains("SentencePiece", error.Message);
    }
}
