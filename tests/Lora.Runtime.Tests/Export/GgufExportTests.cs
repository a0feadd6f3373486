using System.Text.Json.Nodes;
using Lora.Runtime.Export.Gguf;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Tests.Cli;
using Lora.Runtime.Tests.Models;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace Lora.Runtime.Tests.Export;

/// <summary>
/// GGUF exports run by llama.cpp (LLamaSharp): greedy ids equal the runtime's for f32 and f16 and agree on ≥ 95% of steps for
/// q8_0; logits within the stated tolerance; for the built-in model, the fixture models and a small model of every family.
/// </summary>
public class GgufExportTests : IDisposable
{
    readonly ITestOutputHelper _output;
    readonly TempFolder _temp = new();

    public GgufExportTests(ITestOutputHelper output)
    {
        TorchNative.EnsureLoaded();
        _output = output;
    }

    public void Dispose() => _temp.Dispose();

    static string BuiltInModel => Path.Combine(AppContext.BaseDirectory, "models", "lora-tiny-en");

    /// <summary>max|Δlogit| allowed, relative to the largest |logit|: f32 differs by kernels only, f16 and bf16 by rounded
    /// weights too, q8_0 by 8-bit weights.</summary>
    static double Tolerance(GgufType type) => type switch
    {
        GgufType.F32 => 1e-3,
        GgufType.F16 => 1e-2,
        GgufType.BF16 => 5e-2,
        _ => 1e-1,
    };

    void AssertMatches(GgufParity parity, GgufType type)
    {
        _output.WriteLine($"{type}: {parity}");
        if (type is GgufType.F32 or GgufType.F16)
            Assert.True(parity.SameIds, $"greedy ids differ: {parity}");
        // bf16 keeps 8 bits of mantissa: held to q8_0's agreement, not to equal ids.
        else
            Assert.True(parity.ArgMaxAgreement >= 0.95, $"argmax agreement below 95%: {parity}");
        Assert.True(parity.MaxLogitDifference <= Tolerance(type) * Math.Max(1, parity.LogitScale), $"logits differ beyond {Tolerance(type)} relative: {parity}");
    }

    [Theory]
    [InlineData(GgufType.F32)]
    [InlineData(GgufType.F16)]
    [InlineData(GgufType.Q8_0)]
    public void BuiltInModel_runs_in_llama_cpp_as_in_the_runtime(GgufType type)
    {
        using var model = ModelLoader.Load(BuiltInModel);
        // 32 new tokens: 40 scored positions, so that one q8_0 disagreement is 2.5%, not 4%.
        AssertMatches(GgufParity.Measure(model, BuiltInModel, type, _temp.File("model.gguf"), newTokens: 32), type);
    }

    [Fact]
    public void BuiltInModel_tokenizer_gives_llama_cpp_the_same_ids()
    {
        using var model = ModelLoader.Load(BuiltInModel);
        var path = _temp.File("model.gguf");
        GgufExporter.Export(model, BuiltInModel, path, GgufType.F16);
        using var llama = new LlamaCppModel(path);
        const string text = "Subject: Meeting tomorrow at 10:30\nDon't forget the slides, it's important!  Thanks   ";
        var ours = Lora.Runtime.Tokenization.ModelTokenizer.Load(BuiltInModel).Encode(text, addBos: false);
        var theirs = llama.Weights.Tokenize(text, add_bos: false, special: true, System.Text.Encoding.UTF8).Select(t => (int)t).ToList();
        Assert.Equal(ours, theirs);
    }

    [Theory]
    [InlineData("tiny-llama", GgufType.F32)]
    [InlineData("tiny-llama", GgufType.F16)]
    [InlineData("tiny-gpt2", GgufType.F32)]
    [InlineData("tiny-gpt2", GgufType.F16)]
    public void Fixture_models_run_in_llama_cpp_as_in_the_runtime(string fixture, GgufType type)
    {
        var folder = _temp.CopyOf(RepoPaths.Fixture(fixture, "base"), fixture);
        SmallByteLevelTokenizer.WriteTo(folder);
        using var model = ModelLoader.Load(folder);
        AssertMatches(GgufParity.Measure(model, folder, type, _temp.File("model.gguf")), type);
    }

    public static TheoryData<string, GgufType> Families()
    {
        var data = new TheoryData<string, GgufType>();
        foreach (var family in FamilyConfigs.Keys)
            foreach (var type in new[] { GgufType.F32, GgufType.F16 })
                data.Add(family, type);
        // Random weights give near-even logits over 512 tokens, so 8-bit weights flip near-ties: q8_0's agreement is held on
        // the built-in (trained) model; bf16 here is checked for agreement and logits.
        data.Add("llama", GgufType.BF16);
        return data;
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void Small_models_of_every_family_run_in_llama_cpp_as_in_the_runtime(string family, GgufType type)
    {
        // Not named after the family: llama.cpp marks Phi-3's special tokens by text when general.name (the folder's name)
        // contains "phi3", and this vocabulary has none of them.
        var folder = SmallModels.SaveRandom(_temp, "model", FamilyConfigs[family](), seed: 3);
        SmallByteLevelTokenizer.WriteTo(folder);
        using var model = ModelLoader.Load(folder);
        AssertMatches(GgufParity.Measure(model, folder, type, _temp.File("model.gguf")), type);
    }

    /// <summary>
    /// Small configs of each family the export writes (512 tokens, for the fixtures' tokenizer; rows of 32 or 64 so that
    /// q8_0 blocks fit), with the features llama.cpp has to reproduce: GQA, Qwen2's biases, Qwen3's and Gemma 3's q/k norms,
    /// Phi-3's fused projections, Gemma's sliding windows, soft-capping and head_dim ≠ hidden/heads, a tied head, Llama 3's
    /// rope frequencies.
    /// </summary>
    static readonly Dictionary<string, Func<JsonObject>> FamilyConfigs = new()
    {
        ["llama"] = () => Sized(SmallModels.LlamaConfig()),
        ["llama-tied"] = () => Sized(SmallModels.LlamaConfig(tie: true)),
        ["llama3-rope"] = () => With(Sized(SmallModels.LlamaConfig()), c => c["rope_scaling"] = new JsonObject
        {
            ["rope_type"] = "llama3", ["factor"] = 8.0, ["low_freq_factor"] = 1.0, ["high_freq_factor"] = 4.0, ["original_max_position_embeddings"] = 16,
        }),
        ["mistral"] = () => Sized(SmallModels.LlamaConfig("mistral")),
        ["qwen2"] = () => Sized(SmallModels.LlamaConfig("qwen2")),
        ["qwen3"] = () => With(Sized(SmallModels.LlamaConfig("qwen3")), c => c["head_dim"] = 16),
        ["phi3"] = () => Sized(SmallModels.LlamaConfig("phi3")),
        ["gemma2"] = () => Gemma("gemma2"),
        ["gemma3_text"] = () => Gemma("gemma3_text"),
    };

    static JsonObject Sized(JsonObject config) => With(config, c =>
    {
        c["vocab_size"] = SmallByteLevelTokenizer.VocabSize;
        c["hidden_size"] = 64;
        c["intermediate_size"] = 96;
        c["max_position_embeddings"] = 128;
    });

    /// <summary>Gemma as llama.cpp runs it: query_pre_attn_scalar = head_dim, eager attention (scores capped), sliding layers in
    /// llama.cpp's fixed pattern (every other layer for Gemma 2; five of six for Gemma 3) with a window shorter than the test's
    /// sequences, and Gemma 3's local rope base 10000.</summary>
    static JsonObject Gemma(string type) => With(Sized(SmallModels.GemmaConfig(type)), c =>
    {
        c["query_pre_attn_scalar"] = 16;
        c["attn_implementation"] = "eager";
        c["sliding_window"] = 6;
        c["layer_types"] = type == "gemma2" ? new JsonArray("sliding_attention", "full_attention") : new JsonArray("sliding_attention", "sliding_attention");
    });

    static JsonObject With(JsonObject config, Action<JsonObject> change)
    {
        change(config);
        return config;
    }
}
