namespace Lora.Runtime.Tests.Cli;

public class UsageErrorTests
{
    [Fact]
    public void An_unknown_verb_shows_usage_and_fails()
    {
        var run = CliRun.Of("frobnicate").AssertFailedWith("Unrecognized command or argument 'frobnicate'");
        Assert.Contains("Usage:", run.Stdout);
        Assert.Contains("logits", run.Stdout);
    }

    [Fact]
    public void No_verb_shows_usage_and_fails()
    {
        var run = CliRun.Of().AssertFailedWith("Required command was not provided");
        foreach (var verb in new[] { "logits", "generate", "merge", "inspect" }) Assert.Contains(verb, run.Stdout);
    }

    [Theory]
    [InlineData("logits", "--ids", "1,2", "--out", "x.safetensors")]
    [InlineData("generate", "--ids", "1,2", "--max-new-tokens", "3")]
    [InlineData("merge", "--adapter", "a", "--out", "o")]
    public void A_missing_model_is_named(params string[] args)
    {
        var run = CliRun.Of(args).AssertFailedWith("Option '--model' is required");
        Assert.Contains($"lora {args[0]} [options]", run.Stdout);
    }

    [Fact]
    public void Inspect_needs_a_path()
    {
        CliRun.Of("inspect").AssertFailedWith("Required argument missing for command: 'inspect'");
    }

    [Fact]
    public void Help_exits_zero_and_documents_the_output_format()
    {
        var run = CliRun.Of("generate", "--help").AssertSucceeded();
        Assert.Contains("--max-new-tokens", run.Stdout);
        Assert.Contains("{\"text\": …}", run.Stdout);
    }
}
