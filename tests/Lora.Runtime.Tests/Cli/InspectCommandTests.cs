using Lora.Runtime.Tests.Parity;

namespace Lora.Runtime.Tests.Cli;

public class InspectCommandTests
{
    /// <summary>The value printed after <paramref name="key"/> on its own line of inspect's output.</summary>
    private static string Value(CliRun run, string key)
    {
        var line = run.StdoutLines.FirstOrDefault(l => l.StartsWith(key + "  ", StringComparison.Ordinal));
        Assert.True(line is not null, $"no '{key}' line in:\n{run.Stdout}");
        return line[key.Length..].Trim();
    }

    [Fact]
    public void A_model_folder_shows_its_architecture_and_weights()
    {
        var run = CliRun.Of("inspect", RepoPaths.Fixture("tiny-llama", "base")).AssertSucceeded();
        Assert.Equal("llama", Value(run, "model_type"));
        Assert.Equal("2", Value(run, "layers"));
        Assert.Equal("64", Value(run, "hidden"));
        Assert.Equal("4 (kv heads 2, head_dim 16)", Value(run, "heads"));
        Assert.Equal("512", Value(run, "vocab"));
        Assert.Equal("F32 (21 tensors)", Value(run, "dtypes"));
        Assert.Equal("1 file (model.safetensors), 21 tensors", Value(run, "weights"));
        Assert.Equal("none", Value(run, "tokenizer"));
        // 2 × 512 × 64 embeddings/head + 2 layers × (4 attention + 3 MLP projections + 2 norms) + final norm
        long perLayer = 64 * 64 + 2 * (64 * 32) + 64 * 64 + 3 * (64 * 160) + 2 * 64;
        Assert.Equal((2 * 512 * 64 + 2 * perLayer + 64).ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Value(run, "parameters"));
    }

    [Fact]
    public void A_model_folder_with_a_tokenizer_names_its_kind()
    {
        using var temp = new TempFolder();
        var model = temp.CopyOf(RepoPaths.Fixture("tiny-gpt2", "base"), "model");
        SmallByteLevelTokenizer.WriteTo(model);
        var run = CliRun.Of("inspect", model).AssertSucceeded();
        Assert.Equal("gpt2", Value(run, "model_type"));
        Assert.StartsWith("gpt2-bpe, 512 ids", Value(run, "tokenizer"));
    }

    [Fact]
    public void An_adapter_folder_shows_its_settings_and_modules()
    {
        var run = CliRun.Of("inspect", RepoPaths.Fixture("tiny-gpt2", "adapter")).AssertSucceeded();
        Assert.Equal("4", Value(run, "r"));
        Assert.Equal("8 (scale 2)", Value(run, "alpha"));
        Assert.Equal("no", Value(run, "rsLoRA"));
        Assert.Equal("c_attn, c_proj", Value(run, "targets"));
        Assert.Equal("12", Value(run, "tensors"));
        // A [r, in] + B [out, r] per module: c_attn 64→192, attn.c_proj 64→64, mlp.c_proj 256→64, in 2 layers.
        long trainable = 2 * (4 * 64 + 192 * 4 + 4 * 64 + 64 * 4 + 4 * 256 + 64 * 4);
        Assert.StartsWith(trainable.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " parameters", Value(run, "trainable"));
        Assert.Equal("6", Value(run, "modules"));
        Assert.Contains("transformer.h.{0-1}.attn.c_attn", run.StdoutLines);
        Assert.Contains("transformer.h.{0-1}.mlp.c_proj", run.StdoutLines);
    }

    [Fact]
    public void A_safetensors_file_shows_its_tensor_table()
    {
        var run = CliRun.Of("inspect", RepoPaths.Fixture("tiny-llama", "expected.safetensors")).AssertSucceeded();
        Assert.Contains(run.StdoutLines, l => l.StartsWith("greedy_ids", StringComparison.Ordinal) && l.EndsWith("I64    [1, 15]", StringComparison.Ordinal));
        Assert.Contains(run.StdoutLines, l => l.StartsWith("adapter_logits ", StringComparison.Ordinal) && l.EndsWith("[2, 12, 512]", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_path_is_an_error()
    {
        using var temp = new TempFolder();
        CliRun.Of("inspect", temp.Child("missing")).AssertFailedWith($"lora: error: {temp.Child("missing")}: no such file or folder");
        CliRun.Of("inspect", temp.Path).AssertFailedWith("not something lora inspects; expected a model folder (with config.json)");
    }
}
