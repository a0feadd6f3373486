using Lora.Runtime.Adapters;

namespace Lora.Runtime.Tests.Adapters;

/// <summary>Target patterns come from files and attributes: a pattern that backtracks without end is an error naming it, in bounded time.</summary>
public class TargetPatternTests
{
    [Fact]
    public void A_full_match_regex_selects_modules_as_PEFT_does()
    {
        var settings = new LoraConfig { Rank = 8, Alpha = 8, TargetRegex = @".*\.(q|v)_proj" };
        Assert.True(TargetMatcher.Matches(settings, "model.layers.0.self_attn.q_proj"));
        Assert.False(TargetMatcher.Matches(settings, "model.layers.0.self_attn.k_proj"));
    }

    [Fact]
    public void A_pattern_that_backtracks_without_end_is_an_error_naming_it()
    {
        // (a+)+b against 40 a's and no b: about 2^40 ways to fail without a time limit.
        var settings = new LoraConfig { Rank = 8, Alpha = 8, TargetRegex = "(a+)+b" };
        var error = Assert.Throws<ArgumentException>(() => TargetMatcher.Matches(settings, new string('a', 40)));
        Assert.Contains("The target pattern '(a+)+b' took more than 1 s", error.Message);
    }
}
