using System.Text.Json.Nodes;
using Lora.Runtime.Tests.Cli;
using Lora.Runtime.Tests.Models;

namespace Lora.Runtime.Tests.Export;

/// <summary><c>lora export gguf</c>'s output safety and its refusals, each naming what llama.cpp cannot take.</summary>
public class GgufExportCommandTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    string ModelWithTokenizer()
    {
        var folder = _temp.CopyOf(RepoPaths.Fixture("tiny-llama", "base"), "model");
        SmallByteLevelTokenizer.WriteTo(folder);
        return folder;
    }

    [Fact]
    public void Export_writes_one_file_and_replaces_it_only_with_overwrite()
    {
        var model = ModelWithTokenizer();
        var output = _temp.File("model.gguf");
        CliRun.Of("export", "gguf", "--model", model, "--out", output, "--type", "q8_0").AssertSucceeded();
        var bytes = File.ReadAllBytes(output);
        Assert.Equal("GGUF"u8.ToArray(), bytes[..4]);
        Assert.Equal(3u, BitConverter.ToUInt32(bytes, 4));
        Assert.Equal(["model", "model.gguf"], Directory.EnumerateFileSystemEntries(_temp.Path).Select(Path.GetFileName).Order());

        CliRun.Of("export", "gguf", "--model", model, "--out", output, "--type", "f16").AssertFailedWith("pass --overwrite");
        Assert.Equal(bytes, File.ReadAllBytes(output));
        CliRun.Of("export", "gguf", "--model", model, "--out", output, "--type", "f16", "--overwrite").AssertSucceeded();
        Assert.NotEqual(bytes.Length, new FileInfo(output).Length);
    }

    [Fact]
    public void Export_never_writes_into_or_over_its_inputs()
    {
        var model = ModelWithTokenizer();
        var before = Directory.GetFiles(model).Order().Select(File.ReadAllBytes).ToList();
        CliRun.Of("export", "gguf", "--model", model, "--out", Path.Combine(model, "model.gguf")).AssertFailedWith("is inside the --model folder");
        CliRun.Of("export", "gguf", "--model", model, "--out", model, "--overwrite").AssertFailedWith("is the --model");
        CliRun.Of("export", "gguf-adapter", "--model", model, "--adapter", RepoPaths.Fixture("tiny-llama", "adapter"),
            "--out", Path.Combine(RepoPaths.Fixture("tiny-llama", "adapter"), "a.gguf")).AssertFailedWith("is inside the --adapter folder");
        Assert.Equal(before, Directory.GetFiles(model).Order().Select(File.ReadAllBytes).ToList());
    }

    [Fact]
    public void A_model_without_a_tokenizer_is_refused_naming_the_folder()
    {
        var folder = _temp.CopyOf(RepoPaths.Fixture("tiny-llama", "base"), "bare");
        CliRun.Of("export", "gguf", "--model", folder, "--out", _temp.File("x.gguf")).AssertFailedWith($"{folder}: no tokenizer");
        Assert.False(File.Exists(_temp.File("x.gguf")));
    }

    [Fact]
    public void A_setting_llama_cpp_computes_differently_is_refused_naming_it()
    {
        var config = SmallModels.GemmaConfig("gemma2");
        config["vocab_size"] = SmallByteLevelTokenizer.VocabSize;
        var folder = SmallModels.SaveRandom(_temp, "gemma", config);   // query_pre_attn_scalar 24, head_dim 16
        SmallByteLevelTokenizer.WriteTo(folder);
        CliRun.Of("export", "gguf", "--model", folder, "--out", _temp.File("g.gguf"))
            .AssertFailedWith("query_pre_attn_scalar 24 differs from head_dim 16: llama.cpp scales gemma2 attention by head_dim^-1/2");
        Assert.False(File.Exists(_temp.File("g.gguf")));
    }

    [Fact]
    public void An_unknown_type_is_a_usage_error()
    {
        CliRun.Of("export", "gguf", "--model", ModelWithTokenizer(), "--out", _temp.File("x.gguf"), "--type", "q4_k").AssertFailedWith("q4_k");
    }
}
