using Lora.Runtime.Tokenization;
using Lora.Tools.Data.Email;

namespace Lora.Runtime.Tests.Tools.Data.Email;

/// <summary>Clipping text to a GPT-2 token budget at token boundaries.</summary>
public class TokenClipTests
{
    static readonly ModelTokenizer Gpt2 = ModelTokenizer.Gpt2();

    [Fact]
    public void Text_within_the_budget_is_unchanged()
    {
        Assert.Equal("Hello world", TokenClip.Clip(Gpt2, "Hello world", 2));
    }

    [Fact]
    public void Longer_text_keeps_its_first_whole_tokens()
    {
        // "Win" " cash" " now" " or" " never": 5 tokens, 3 kept.
        Assert.Equal("Win cash now", TokenClip.Clip(Gpt2, "Win cash now or never", 3));
    }

    [Fact]
    public void A_character_split_across_byte_tokens_is_dropped_not_garbled()
    {
        // Each CJK character is two or three byte-level tokens; the clipped text never ends in a broken character.
        string clipped = TokenClip.Clip(Gpt2, "免费赠送礼品", 4);

        Assert.DoesNotContain('\uFFFD', clipped);
        Assert.StartsWith(clipped, "免费赠送礼品");
        Assert.InRange(Gpt2.Encode(clipped, addBos: false).Count, 1, 4);
    }
}
