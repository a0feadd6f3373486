using Lora.Runtime.Tests.Parity;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Tests.Cli;

public class GenerateCommandTests
{
    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Greedy_generation_reproduces_transformers(string name)
    {
        var fx = new PeftFixture(name);
        var run = CliRun.Of("generate", "--model", fx.BaseDir, "--adapter", fx.AdapterDir,
                            "--ids", CliText.Prefix(fx["input_ids"], 0, 5), "--max-new-tokens", "10").AssertSucceeded();
        var line = Assert.Single(run.StdoutLines);
        Assert.Equal(fx["greedy_ids"].data<long>().ToArray(), CliText.Ids(line));
    }

    /// <summary>
    /// The demo (templates/, on the built-in lora-tiny-en) trains on "Subject: …\n…\nLabel:" prompts: `lora generate --prompt`
    /// with that text must feed the tuned model the ids training gave it, or the CLI scores another input than the build.
    /// </summary>
    [Fact]
    public void A_prompt_gets_the_ids_training_gives_it_on_the_demo_model()
    {
        var model = Path.Combine(AppContext.BaseDirectory, "models", "lora-tiny-en");
        var row = new Lora.Runtime.Data.JsonlRow("demo.jsonl", 1, new System.Text.Json.Nodes.JsonObject { ["Subject"] = "Win money now", ["Body"] = "Click here to claim your prize.", ["Label"] = "spam" });
        var settings = new DatasetSettings("demo.jsonl", DatasetFormat.Jsonl, null, "Email", "Subject: {Subject}\n{Body}\nLabel:", " {Label}", 0, false, 128, null, false, true);
        var example = new Lora.Runtime.Data.ExampleBuilder(ModelTokenizer.Load(model), settings).Build(row);
        // The prompt's ids are those whose labels are masked (completion-only loss).
        var trained = example.InputIds.Zip(example.Labels).TakeWhile(p => p.Second == Lora.Runtime.Data.ExampleBuilder.Ignore).Select(p => (long)p.First).ToArray();

        var run = CliRun.Of("generate", "--model", model, "--prompt", "Subject: Win money now\nClick here to claim your prize.\nLabel:", "--max-new-tokens", "1").AssertSucceeded();
        var generated = CliText.Ids(run.StdoutLines[0]);

        Assert.Equal(trained, generated[..^1]);
        Assert.NotEqual(50256, trained[0]);   // lora-tiny-en's tokenizer_config.json: add_bos_token false, as its pretraining rows
    }

    [Fact]
    public void Rows_of_different_length_are_left_padded_and_each_prints_its_own_sequence()
    {
        var fx = new PeftFixture("tiny-llama");
        string longRow = CliText.Prefix(fx["input_ids"], 0, 5), shortRow = CliText.Prefix(fx["input_ids"], 1, 3);
        var alone = CliRun.Of("generate", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--ids", shortRow, "--max-new-tokens", "10")
            .AssertSucceeded();

        var batch = CliRun.Of("generate", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--ids", $"{longRow};{shortRow}", "--max-new-tokens", "10")
            .AssertSucceeded();

        Assert.Equal(2, batch.StdoutLines.Count);
        Assert.Equal(fx["greedy_ids"].data<long>().ToArray(), CliText.Ids(batch.StdoutLines[0]));
        Assert.Equal(CliText.Ids(Assert.Single(alone.StdoutLines)), CliText.Ids(batch.StdoutLines[1]));
        Assert.Equal(13, CliText.Ids(batch.StdoutLines[1]).Length);
    }

    [Fact]
    public void Sampling_with_a_seed_repeats_and_keeps_the_prompt()
    {
        var fx = new PeftFixture("tiny-gpt2");
        string[] args = ["generate", "--model", fx.BaseDir, "--ids", "5,6,7", "--max-new-tokens", "8", "--temperature", "1.5", "--top-k", "50", "--top-p", "0.95", "--seed", "7"];
        var first = CliText.Ids(Assert.Single(CliRun.Of(args).AssertSucceeded().StdoutLines));
        var second = CliText.Ids(Assert.Single(CliRun.Of(args).AssertSucceeded().StdoutLines));
        Assert.Equal(first, second);
        Assert.Equal([5, 6, 7], first[..3]);
        Assert.Equal(11, first.Length);
    }

    [Fact]
    public void A_model_folder_with_a_tokenizer_also_prints_the_text()
    {
        var fx = new PeftFixture("tiny-gpt2");
        using var temp = new TempFolder();
        var model = temp.CopyOf(fx.BaseDir, "model");
        SmallByteLevelTokenizer.WriteTo(model);

        var run = CliRun.Of("generate", "--model", model, "--ids", "71,72", "--max-new-tokens", "4").AssertSucceeded();

        Assert.Equal(2, run.StdoutLines.Count);
        var ids = CliText.Ids(run.StdoutLines[0]);
        var expected = ModelTokenizer.Load(model).Decode(ids.Select(i => (int)i));
        Assert.Equal(expected, CliText.Text(run.StdoutLines[1]));
        Assert.StartsWith("hi", expected);   // 71 and 72 are the byte tokens of 'h' and 'i'
    }

    [Fact]
    public void A_prompt_is_encoded_with_the_folder_tokenizer()
    {
        var fx = new PeftFixture("tiny-gpt2");
        using var temp = new TempFolder();
        var model = temp.CopyOf(fx.BaseDir, "model");
        SmallByteLevelTokenizer.WriteTo(model);

        var run = CliRun.Of("generate", "--model", model, "--adapter", fx.AdapterDir, "--prompt", "hello world", "--prompt", "we",
                            "--max-new-tokens", "3").AssertSucceeded();

        Assert.Equal(4, run.StdoutLines.Count);
        // "he" and " w" are merges of the small tokenizer; no BOS for a GPT-2 style tokenizer, as in transformers.
        long[] hello = [SmallByteLevelTokenizer.HeId, 75, 75, 78, SmallByteLevelTokenizer.SpaceWId, 78, 81, 75, 67];
        Assert.Equal(hello, CliText.Ids(run.StdoutLines[0])[..hello.Length]);
        Assert.StartsWith("hello world", CliText.Text(run.StdoutLines[1]));
        Assert.Equal([86, 68], CliText.Ids(run.StdoutLines[2])[..2]);
        Assert.StartsWith("we", CliText.Text(run.StdoutLines[3]));
    }

    [Fact]
    public void A_prompt_needs_a_tokenizer()
    {
        var fx = new PeftFixture("tiny-gpt2");
        CliRun.Of("generate", "--model", fx.BaseDir, "--prompt", "hello", "--max-new-tokens", "3")
            .AssertFailedWith("--prompt needs a tokenizer");
    }

    [Fact]
    public void Ids_and_prompt_together_are_refused()
    {
        CliRun.Of("generate", "--model", "unused", "--ids", "1", "--prompt", "hi", "--max-new-tokens", "3")
            .AssertFailedWith("either --ids or --prompt, not both");
        CliRun.Of("generate", "--model", "unused", "--max-new-tokens", "3")
            .AssertFailedWith("Give the prompt as token ids");
    }

    [Theory]
    [InlineData("--temperature", "0", "--temperature is 0")]
    [InlineData("--top-p", "1.5", "--top-p is 1.5")]
    [InlineData("--top-k", "-1", "--top-k is -1")]
    [InlineData("--max-new-tokens", "-2", "--max-new-tokens is -2")]
    public void Out_of_range_sampling_settings_are_refused(string option, string value, string problem)
    {
        var args = new List<string> { "generate", "--model", "unused", "--ids", "1,2" };
        if (option != "--max-new-tokens") args.AddRange(["--max-new-tokens", "3"]);
        args.AddRange([option, value]);
        CliRun.Of([.. args]).AssertFailedWith(problem);
    }
}
