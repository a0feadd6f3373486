using Lora.Runtime.Tests.Parity;

namespace Lora.Runtime.Tests.Cli;

public class LogitsCommandTests
{
    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Logits_with_adapter_match_peft(string name)
    {
        var fx = new PeftFixture(name);
        using var temp = new TempFolder();
        var file = temp.Child("logits.safetensors");
        CliRun.Of("logits", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--ids", CliText.Rows(fx["input_ids"]), "--out", file)
            .AssertSucceeded();
        Tolerance.Close(CliText.ReadLogits(file), fx["adapter_logits"], Tolerance.Logits, $"{name} lora logits --adapter");
    }

    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Logits_with_adapter_and_mask_match_peft(string name)
    {
        var fx = new PeftFixture(name);
        using var temp = new TempFolder();
        var file = temp.Child("masked.safetensors");
        CliRun.Of("logits", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--ids", CliText.Rows(fx["input_ids"]),
                  "--mask", CliText.Rows(fx["attention_mask"]), "--out", file).AssertSucceeded();
        Tolerance.Close(CliText.ReadLogits(file), fx["adapter_logits_masked"], Tolerance.Logits, $"{name} lora logits --mask");
    }

    [Fact]
    public void Logits_without_adapter_match_the_base_model()
    {
        var fx = new PeftFixture("tiny-llama");
        using var temp = new TempFolder();
        var file = temp.Child("nested", "base.safetensors");
        var run = CliRun.Of("logits", "--model", fx.BaseDir, "--ids", CliText.Rows(fx["input_ids"]), "--out", file).AssertSucceeded();
        Tolerance.Close(CliText.ReadLogits(file), fx["base_logits"], Tolerance.Logits, "tiny-llama lora logits");
        Assert.Contains("[2, 12, 512]", run.Stdout);
    }

    [Fact]
    public void Merged_adapter_gives_the_adapter_logits()
    {
        var fx = new PeftFixture("tiny-gpt2");
        using var temp = new TempFolder();
        var file = temp.Child("merged.safetensors");
        CliRun.Of("logits", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--merge", "--ids", CliText.Rows(fx["input_ids"]), "--out", file)
            .AssertSucceeded();
        Tolerance.Close(CliText.ReadLogits(file), fx["adapter_logits"], Tolerance.Logits, "tiny-gpt2 lora logits --merge");
    }

    [Fact]
    public void Bf16_compute_still_writes_float32_logits_near_the_reference()
    {
        var fx = new PeftFixture("tiny-llama");
        using var temp = new TempFolder();
        var file = temp.Child("bf16.safetensors");
        CliRun.Of("logits", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--dtype", "bf16", "--ids", CliText.Rows(fx["input_ids"]), "--out", file)
            .AssertSucceeded();
        // bf16 keeps 8 bits of mantissa: a few percent is its expected error, far from a wrong model.
        Tolerance.Close(CliText.ReadLogits(file), fx["adapter_logits"], 5e-2, "tiny-llama lora logits --dtype bf16");
    }

    [Fact]
    public void Rows_of_unequal_length_are_refused_naming_the_row()
    {
        var fx = new PeftFixture("tiny-gpt2");
        using var temp = new TempFolder();
        var file = temp.Child("never.safetensors");
        var run = CliRun.Of("logits", "--model", fx.BaseDir, "--ids", "1,2,3;4,5,6;7,8", "--out", file)
            .AssertFailedWith("--ids: row 3 has 2 ids but row 1 has 3");
        Assert.Contains("Usage:", run.Stdout);
        Assert.False(File.Exists(file));
    }

    [Fact]
    public void Ids_that_are_not_integers_are_refused_naming_the_value()
    {
        CliRun.Of("logits", "--model", "unused", "--ids", "1,2;3,x", "--out", "unused.safetensors")
            .AssertFailedWith("--ids: row 2, value 2 of \"1,2;3,x\" is 'x', which is not an integer");
    }

    [Fact]
    public void An_empty_row_is_refused()
    {
        CliRun.Of("logits", "--model", "unused", "--ids", "1,2;", "--out", "unused.safetensors")
            .AssertFailedWith("row 2 of \"1,2;\" is empty");
    }

    [Fact]
    public void Ids_past_the_vocabulary_are_refused()
    {
        var fx = new PeftFixture("tiny-gpt2");
        using var temp = new TempFolder();
        CliRun.Of("logits", "--model", fx.BaseDir, "--ids", "1,2,512", "--out", temp.Child("x.safetensors"))
            .AssertFailedWith("row 1, value 3 is token id 512, but the model's vocabulary has ids 0..511");
    }

    [Fact]
    public void A_mask_that_does_not_fit_the_ids_is_refused()
    {
        CliRun.Of("logits", "--model", "unused", "--ids", "1,2,3;4,5,6", "--mask", "1,1,1;1,1", "--out", "unused.safetensors")
            .AssertFailedWith("--mask: row 2 has 2 values but row 2 of --ids has 3");
        CliRun.Of("logits", "--model", "unused", "--ids", "1,2,3", "--mask", "1,2,1", "--out", "unused.safetensors")
            .AssertFailedWith("--mask: row 1, value 2 is 2; mask values are 0 or 1");
    }

    [Fact]
    public void Merge_without_an_adapter_is_refused()
    {
        CliRun.Of("logits", "--model", "unused", "--merge", "--ids", "1,2", "--out", "unused.safetensors")
            .AssertFailedWith("--merge needs --adapter");
    }

    [Fact]
    public void A_missing_model_folder_is_a_runtime_error_without_stack_trace()
    {
        using var temp = new TempFolder();
        var missing = temp.Child("no-such-model");
        var run = CliRun.Of("logits", "--model", missing, "--ids", "1,2", "--out", temp.Child("x.safetensors"))
            .AssertFailedWith($"lora: error: {missing}: model folder not found");
        Assert.DoesNotContain("   at ", run.Stderr);
    }

    [Fact]
    public void Verbose_adds_the_stack_trace_to_an_error()
    {
        using var temp = new TempFolder();
        var run = CliRun.Of("logits", "--model", temp.Child("no-such-model"), "--ids", "1,2", "--out", temp.Child("x.safetensors"), "--verbose")
            .AssertFailedWith("lora: error: ");
        Assert.Contains("   at ", run.Stderr);
    }
}
