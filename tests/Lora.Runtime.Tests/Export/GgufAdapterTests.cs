using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Peft;
using Lora.Runtime.Tests.Cli;
using Xunit.Abstractions;

namespace Lora.Runtime.Tests.Export;

/// <summary>
/// <c>lora export gguf-adapter</c>: the adapter applied by llama.cpp over the base model's GGUF generates what the merged
/// model's GGUF generates, and what the runtime generates with the adapter merged (Llama: its q/k factors permuted like the
/// base; GPT-2: over Conv1D projections).
/// </summary>
public class GgufAdapterTests : IDisposable
{
    readonly ITestOutputHelper _output;
    readonly TempFolder _temp = new();

    public GgufAdapterTests(ITestOutputHelper output)
    {
        TorchNative.EnsureLoaded();
        _output = output;
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("tiny-llama")]
    [InlineData("tiny-gpt2")]
    public void An_adapter_applied_in_llama_cpp_generates_what_the_merged_model_generates(string fixture)
    {
        var baseFolder = _temp.CopyOf(RepoPaths.Fixture(fixture, "base"), "base");
        SmallByteLevelTokenizer.WriteTo(baseFolder);
        var adapterFolder = RepoPaths.Fixture(fixture, "adapter");
        string baseGguf = _temp.File("base.gguf"), adapterGguf = _temp.File("adapter.gguf"), mergedGguf = _temp.File("merged.gguf");
        CliRun.Of("export", "gguf", "--model", baseFolder, "--out", baseGguf, "--type", "f32").AssertSucceeded();
        CliRun.Of("export", "gguf-adapter", "--model", baseFolder, "--adapter", adapterFolder, "--out", adapterGguf).AssertSucceeded();
        CliRun.Of("export", "gguf", "--model", baseFolder, "--adapter", adapterFolder, "--out", mergedGguf, "--type", "f32").AssertSucceeded();

        using var merged = ModelLoader.Load(baseFolder);
        PeftAdapter.Load(merged, adapterFolder, "default");
        LoraMerge.Merge(merged, "default");
        using var llamaBase = new LlamaCppModel(baseGguf);
        var adapter = llamaBase.Weights.NativeHandle.LoadLoraFromFile(adapterGguf);
        var withAdapter = GgufParity.Compare(merged, llamaBase, GgufParity.Prompt, adapter);
        _output.WriteLine($"base GGUF + adapter GGUF: {withAdapter}");
        using var llamaMerged = new LlamaCppModel(mergedGguf);
        var (mergedIds, _) = llamaMerged.Greedy(GgufParity.Prompt, GgufParity.NewTokens);
        _output.WriteLine($"merged GGUF: [{string.Join(",", mergedIds)}]");

        Assert.Equal(mergedIds, withAdapter.Theirs);
        Assert.True(withAdapter.SameIds, withAdapter.ToString());
        Assert.True(withAdapter.MaxLogitDifference <= 1e-3 * Math.Max(1, withAdapter.LogitScale), withAdapter.ToString());
        // The adapter changes what the base generates, so the comparison above is not the base's against itself.
        var (baseIds, _) = llamaBase.Greedy(GgufParity.Prompt, GgufParity.NewTokens);
        Assert.NotEqual(baseIds, withAdapter.Theirs);
    }
}
