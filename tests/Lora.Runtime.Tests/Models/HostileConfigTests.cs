using System.Text.Json.Nodes;
using Lora.Runtime.Models;

namespace Lora.Runtime.Tests.Models;

/// <summary>
/// A config.json is checked before anything is allocated from it: zero, negative and huge sizes, heads that do not
/// divide what they split, and non-finite numbers are errors that name the file and the key.
/// </summary>
public class HostileConfigTests
{
    static JsonObject Llama() => new()
    {
        ["model_type"] = "llama", ["vocab_size"] = 128, ["hidden_size"] = 64, ["num_hidden_layers"] = 2, ["num_attention_heads"] = 4,
        ["num_key_value_heads"] = 2, ["intermediate_size"] = 172, ["max_position_embeddings"] = 256, ["rms_norm_eps"] = 1e-6,
    };

    static JsonObject Gpt2() => new()
    {
        ["model_type"] = "gpt2", ["vocab_size"] = 128, ["n_embd"] = 64, ["n_layer"] = 2, ["n_head"] = 4, ["n_positions"] = 256,
    };

    [Fact]
    public void The_untouched_configs_parse()
    {
        Assert.Equal(16, ModelConfig.Parse(Llama(), "/m/config.json").HeadDim);
        Assert.Equal(16, ModelConfig.Parse(Gpt2(), "/m/config.json").HeadDim);
    }

    [Theory]
    [InlineData("llama", "vocab_size", 0, "vocab_size is 0; expected a positive size")]
    [InlineData("llama", "num_hidden_layers", -3, "num_hidden_layers is -3; expected a positive size")]
    [InlineData("llama", "intermediate_size", 0, "intermediate_size is 0")]
    [InlineData("llama", "num_attention_heads", 0, "num_attention_heads is 0; expected a positive count")]
    [InlineData("llama", "num_attention_heads", 5, "hidden_size 64 is not a multiple of num_attention_heads 5")]
    [InlineData("llama", "num_key_value_heads", 3, "num_attention_heads 4 is not a multiple of num_key_value_heads 3")]
    [InlineData("llama", "vocab_size", 2_000_000_000, "the embedding (vocab_size × hidden_size) would hold")]
    [InlineData("llama", "max_position_embeddings", -1, "max_position_embeddings is -1")]
    [InlineData("gpt2", "n_head", 0, "n_head is 0; expected a positive count")]
    [InlineData("gpt2", "n_head", 7, "n_embd 64 is not a multiple of n_head 7")]
    [InlineData("gpt2", "n_positions", 0, "n_positions is 0")]
    public void A_hostile_size_names_the_file_and_the_key(string family, string key, long value, string expected)
    {
        var json = family == "gpt2" ? Gpt2() : Llama();
        json[key] = value;
        var error = Assert.Throws<ModelLoadException>(() => ModelConfig.Parse(json, "/m/config.json"));
        Assert.StartsWith("/m/config.json: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("rms_norm_eps", 0.0, "norm epsilon is 0")]
    [InlineData("rms_norm_eps", -1e-6, "norm epsilon is -1E-06")]
    [InlineData("rope_theta", 0.0, "rope_theta is 0")]
    public void A_non_positive_epsilon_or_rope_base_is_refused(string key, double value, string expected)
    {
        var json = Llama();
        json[key] = value;
        Assert.Contains(expected, Assert.Throws<ModelLoadException>(() => ModelConfig.Parse(json, "/m/config.json")).Message);
    }
}

/// <summary>Weights a model cannot use (non-finite, or not floating point) are an error naming the tensor and its file.</summary>
public class UnusableWeightTests
{
    public UnusableWeightTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    /// <summary>A copy of the tiny Llama fixture whose tensor <paramref name="key"/> is replaced by what <paramref name="damage"/> makes of it.</summary>
    static string DamagedCopy(TempFolder temp, string key, Func<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> damage)
    {
        var folder = temp.Child("model");
        Directory.CreateDirectory(folder);
        var source = RepoPaths.Fixture("tiny-llama", "base");
        foreach (var file in Directory.GetFiles(source).Where(f => !f.EndsWith(".safetensors", StringComparison.Ordinal)))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
        var tensors = Lora.Runtime.Tensors.TensorFiles.ReadAll(Path.Combine(source, "model.safetensors"));
        tensors[key] = damage(tensors[key]);
        Lora.Runtime.Tensors.TensorFiles.Write(Path.Combine(folder, "model.safetensors"), tensors.Select(p => (p.Key, p.Value)));
        return folder;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]   // QLoRA: checked before the weight is quantized
    public void A_nan_weight_names_its_tensor_and_file(bool fourBit)
    {
        using var temp = new TempFolder();
        const string key = "model.layers.1.mlp.down_proj.weight";
        var folder = DamagedCopy(temp, key, t => { var c = t.clone(); c[0, 3] = TorchSharp.torch.tensor(float.NaN); return c; });
        var quantize = fourBit ? new Lora.Runtime.Quantization.QuantizationOptions(Lora.QuantType.NF4, false) : null;

        var error = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(folder, TorchSharp.torch.ScalarType.Float32, quantize));

        Assert.Contains($"{key} in {Path.Combine(folder, "model.safetensors")} holds NaN or infinite values", error.Message);
        Assert.StartsWith($"{folder}: some weights cannot be used.", error.Message);
    }

    [Fact]
    public void An_integer_weight_is_refused_instead_of_cast()
    {
        using var temp = new TempFolder();
        const string key = "model.norm.weight";
        var folder = DamagedCopy(temp, key, t => t.to_type(TorchSharp.torch.ScalarType.Int64));

        var error = Assert.Throws<ModelLoadException>(() => ModelLoader.Load(folder));

        Assert.Contains($"{key} in {Path.Combine(folder, "model.safetensors")} holds I64 values; a weight is a floating-point tensor", error.Message);
    }
}
