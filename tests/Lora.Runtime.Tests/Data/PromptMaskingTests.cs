using Lora.Runtime.Data;
using Lora.Runtime.Tokenization;
using static Lora.Runtime.Tests.Data.DataRows;

namespace Lora.Runtime.Tests.Data;

/// <summary>
/// Exactly which tokens carry loss in each dataset format, with GPT-2's real ids: prompt positions are -100, the
/// completion keeps its ids, and EOS (50256) follows the completion and carries loss too. GPT-2's tokenizer adds no BOS
/// (transformers' GPT2Tokenizer: add_bos_token false); one that does puts it first, masked.
/// </summary>
public class PromptMaskingTests
{
    static readonly ModelTokenizer Gpt2 = ModelTokenizer.Gpt2();

    const string AlpacaNoInputPrompt =
        "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n" +
        "### Instruction:\nSay hi\n\n### Response:\n";

    const string AlpacaWithInputPrompt =
        "Below is an instruction that describes a task, paired with an input that provides further context. " +
        "Write a response that appropriately completes the request.\n\n### Instruction:\nTranslate to French\n\n### Input:\ncat\n\n### Response:\n";

    static TokenizedExample Build(Lora.DatasetSettings settings, string json) => new ExampleBuilder(Gpt2, settings).Build(Row(json));

    /// <summary>The prompt's length in tokens: the number of masked positions.</summary>
    static int PromptLength(string prompt) => Gpt2.Encode(prompt, Gpt2.AddsBos).Count;

    [Fact]
    public void Alpaca_without_input_masks_the_whole_prompt_and_trains_on_the_output_and_eos()
    {
        var example = Build(Settings(Lora.DatasetFormat.Alpaca), """{"instruction": "Say hi", "input": "", "output": "hi"}""");

        int prompt = PromptLength(AlpacaNoInputPrompt);
        // The prompt ends "### Response:\n" = 21017 18261 25 198; the output "hi" = 5303; then EOS.
        Assert.Equal([21017, 18261, 25, 198], example.InputIds[(prompt - 4)..prompt]);
        Assert.Equal([.. Enumerable.Repeat(Ignore, prompt), 5303, EndOfText], example.Labels);
        Assert.Equal([.. Gpt2.Encode(AlpacaNoInputPrompt, addBos: false), 5303, EndOfText], example.InputIds);
        Assert.Equal(2, example.TrainableTokens);
    }

    [Fact]
    public void Alpaca_with_input_uses_the_input_template_and_masks_the_input_too()
    {
        var example = Build(Settings(Lora.DatasetFormat.Alpaca), """{"instruction": "Translate to French", "input": "cat", "output": "chat"}""");

        int prompt = PromptLength(AlpacaWithInputPrompt);
        // "chat" = 17006, then EOS; the input "cat" (9246) sits inside the masked prompt.
        Assert.Equal([.. Enumerable.Repeat(Ignore, prompt), 17006, EndOfText], example.Labels);
        Assert.Contains(9246, example.InputIds[..prompt]);
        Assert.Equal(Gpt2.Encode(AlpacaWithInputPrompt, addBos: false), example.InputIds[..prompt]);
    }

    [Fact]
    public void Jsonl_prompt_and_completion_templates_mask_the_prompt_position_by_position()
    {
        var settings = Settings(Lora.DatasetFormat.Jsonl, prompt: "Subject: {subject}\nLabel:", completion: " {label}");
        var example = Build(settings, """{"subject": "Win cash now", "label": "spam"}""");

        // "Subject" ":" " Win" " cash" " now" "\n" "Label" ":" | " spam" EOS
        Assert.Equal([19776, 25, 7178, 5003, 783, 198, 33986, 25, 18084, EndOfText], example.InputIds);
        Assert.Equal([Ignore, Ignore, Ignore, Ignore, Ignore, Ignore, Ignore, Ignore, 18084, EndOfText], example.Labels);
    }

    [Fact]
    public void Without_add_eos_the_completion_ends_without_eos()
    {
        var settings = Settings(Lora.DatasetFormat.Jsonl, prompt: "Subject: {subject}\nLabel:", completion: " {label}", addEos: false);
        var example = Build(settings, """{"subject": "Win cash now", "label": "spam"}""");

        Assert.Equal(18084, example.InputIds[^1]);
        Assert.Equal([.. Enumerable.Repeat(Ignore, 8), 18084], example.Labels);
    }

    [Fact]
    public void Jsonl_text_field_rows_train_on_every_token_and_eos()
    {
        var example = Build(Settings(Lora.DatasetFormat.Jsonl, textField: "body"), """{"body": "Hello world"}""");

        // "Hello" " world" EOS; every label equals its id (position 0 never enters the shifted loss).
        Assert.Equal([15496, 995, EndOfText], example.InputIds);
        Assert.Equal([15496, 995, EndOfText], example.Labels);
        Assert.Equal(2, example.TrainableTokens);
    }

    [Fact]
    public void Token_id_rows_train_on_every_id_as_given()
    {
        var example = Build(Settings(Lora.DatasetFormat.TokenIds), """{"input_ids": [464, 3797, 3332]}""");

        Assert.Equal([464, 3797, 3332], example.InputIds);
        Assert.Equal([464, 3797, 3332], example.Labels);
    }

    [Theory]
    [InlineData("""{"input_ids": [1, 50257]}""", "token id 50257 is outside the vocabulary (0..50256)")]
    [InlineData("""{"input_ids": [1, -5]}""", "token id -5 is negative")]
    [InlineData("""{"input_ids": [1, "two"]}""", "'input_ids' must hold integers only")]
    [InlineData("""{"ids": [1, 2]}""", "field 'input_ids' must be an array")]
    public void Bad_token_id_rows_are_rejected_naming_file_and_line(string json, string problem)
    {
        var error = Assert.Throws<DatasetException>(() => Build(Settings(Lora.DatasetFormat.TokenIds), json));

        Assert.StartsWith("train.jsonl:7: ", error.Message);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Train_on_inputs_labels_every_prompt_and_completion_token()
    {
        var settings = Settings(Lora.DatasetFormat.Jsonl, prompt: "Subject: {subject}\nLabel:", completion: " {label}", trainOnInputs: true);
        var example = Build(settings, """{"subject": "Win cash now", "label": "spam"}""");

        Assert.Equal(example.InputIds.Select(i => (long)i), example.Labels);
    }

    [Fact]
    public void A_tokenizer_that_adds_bos_puts_it_before_the_prompt_masked()
    {
        using var folder = new TempFolder();
        Cli.SmallByteLevelTokenizer.WriteTo(folder.Path);
        folder.WriteText("tokenizer_config.json", """{"bos_token": "t300", "eos_token": "t301", "add_bos_token": true}""");
        var tokenizer = ModelTokenizer.Load(folder.Path);
        Assert.True(tokenizer.AddsBos);
        var settings = Settings(Lora.DatasetFormat.Jsonl, prompt: "Q: {q}", completion: " {a}");

        var example = new ExampleBuilder(tokenizer, settings).Build(Row("""{"q": "hi", "a": "yo"}"""));

        Assert.Equal([300, .. tokenizer.Encode("Q: hi", addBos: false), .. tokenizer.Encode(" yo", addBos: false), 301], example.InputIds);
        Assert.Equal(Ignore, example.Labels[0]);
        Assert.Equal(301, example.Labels[^1]);
    }

    [Fact]
    public void The_prompt_text_for_generation_is_the_masked_prompt_without_bos()
    {
        var settings = Settings(Lora.DatasetFormat.Jsonl, prompt: "Subject: {subject}\nLabel:", completion: " {label}");
        var pair = new ExampleBuilder(Gpt2, settings).PromptAndCompletion(Row("""{"subject": "Win cash now", "label": "spam"}"""));

        Assert.Equal(("Subject: Win cash now\nLabel:", " spam"), pair);
    }
}
