using Lora.Runtime.Safetensors;
using Lora.Runtime.Tests.Parity;

namespace Lora.Runtime.Tests.Cli;

public class MergeCommandTests
{
    [Theory]
    [MemberData(nameof(PeftFixture.ParityNames), MemberType = typeof(PeftFixture))]
    public void Merged_folder_gives_the_logits_of_the_merged_adapter(string name)
    {
        var fx = new PeftFixture(name);
        using var temp = new TempFolder();
        var merged = temp.Child("merged");
        var ids = CliText.Rows(fx["input_ids"]);

        CliRun.Of("merge", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--out", merged).AssertSucceeded();
        CliRun.Of("logits", "--model", merged, "--ids", ids, "--out", temp.Child("from-folder.safetensors")).AssertSucceeded();
        CliRun.Of("logits", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--merge", "--ids", ids, "--out", temp.Child("in-memory.safetensors"))
            .AssertSucceeded();

        Assert.True(File.Exists(Path.Combine(merged, "config.json")));
        Assert.True(File.Exists(Path.Combine(merged, "generation_config.json")));
        var fromFolder = CliText.ReadLogits(temp.Child("from-folder.safetensors"));
        Tolerance.Close(fromFolder, CliText.ReadLogits(temp.Child("in-memory.safetensors")), Tolerance.Logits, $"{name} merged folder vs --merge");
        Tolerance.Close(fromFolder, fx["adapter_logits"], Tolerance.Logits, $"{name} merged folder vs PEFT adapter logits");
    }

    [Theory]
    [InlineData("bf16", SafetensorsDType.BF16)]
    [InlineData("fp16", SafetensorsDType.F16)]
    public void Dtype_sets_the_saved_weights(string dtype, SafetensorsDType expected)
    {
        var fx = new PeftFixture("tiny-llama");
        using var temp = new TempFolder();
        var merged = temp.Child("merged");
        var run = CliRun.Of("merge", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--out", merged, "--dtype", dtype).AssertSucceeded();

        using var weights = SafetensorsFile.Open(Path.Combine(merged, "model.safetensors"));
        Assert.All(weights.Entries, e => Assert.Equal(expected, e.DType));
        Assert.Contains(dtype, run.Stdout);
    }

    [Fact]
    public void Writing_over_the_base_model_is_refused()
    {
        var fx = new PeftFixture("tiny-gpt2");
        CliRun.Of("merge", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--out", fx.BaseDir + Path.DirectorySeparatorChar)
            .AssertFailedWith("is the --model");
    }

    [Fact]
    public void An_existing_folder_is_replaced_only_with_overwrite()
    {
        var fx = new PeftFixture("tiny-gpt2");
        using var temp = new TempFolder();
        var target = temp.Child("existing");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "notes.txt"), "keep me");

        CliRun.Of("merge", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--out", target).AssertFailedWith("exists and is not empty; pass --overwrite");
        Assert.True(File.Exists(Path.Combine(target, "notes.txt")));

        CliRun.Of("merge", "--model", fx.BaseDir, "--adapter", fx.AdapterDir, "--out", target, "--overwrite").AssertSucceeded();
        Assert.False(File.Exists(Path.Combine(target, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(target, "model.safetensors")));
    }

    [Fact]
    public void Merge_needs_an_adapter_and_an_output()
    {
        CliRun.Of("merge", "--model", "m", "--out", "o").AssertFailedWith("Option '--adapter' is required");
        CliRun.Of("merge", "--model", "m", "--adapter", "a").AssertFailedWith("Option '--out' is required");
        CliRun.Of("merge", "--model", "m", "--adapter", "a", "--out", "o", "--dtype", "int8").AssertFailedWith("int8");
    }

    [Fact]
    public void A_broken_adapter_folder_is_reported_as_an_error()
    {
        var fx = new PeftFixture("tiny-gpt2");
        using var temp = new TempFolder();
        var adapter = temp.CopyOf(fx.AdapterDir, "adapter");
        File.Delete(Path.Combine(adapter, "adapter_model.safetensors"));
        CliRun.Of("merge", "--model", fx.BaseDir, "--adapter", adapter, "--out", temp.Child("merged"))
            .AssertFailedWith("lora: error: ").AssertFailedWith("adapter_model.safetensors: not found");
        Assert.False(Directory.Exists(temp.Child("merged")));
    }
}
