using System.Text.Json.Nodes;
using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Models;

/// <summary>
/// The RoPE rules against their formulas where the parity fixtures do not reach: longrope's long factors and attention
/// factor (tiny-phi3-longrope's sequences stay within its original context, so only the short factors meet transformers).
/// </summary>
public class RopeScalingTests
{
    public RopeScalingTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    static ModelConfig Phi3(int maxPositions, int original) => ModelConfig.Parse(new JsonObject
    {
        ["model_type"] = "phi3", ["vocab_size"] = 64, ["hidden_size"] = 32, ["num_hidden_layers"] = 1, ["num_attention_heads"] = 4,
        ["intermediate_size"] = 64, ["max_position_embeddings"] = maxPositions, ["rms_norm_eps"] = 1e-5,
        ["rope_parameters"] = new JsonObject
        {
            ["rope_type"] = "longrope", ["rope_theta"] = 100.0, ["original_max_position_embeddings"] = original,
            ["short_factor"] = new JsonArray(1.0, 2.0, 4.0, 8.0), ["long_factor"] = new JsonArray(3.0, 5.0, 7.0, 9.0),
        },
    });

    [Fact]
    public void Longrope_takes_the_long_factors_past_the_original_context_and_scales_by_the_attention_factor()
    {
        var scaling = Phi3(maxPositions: 64, original: 16).RopeScaling!;
        // factor 64 / 16 = 4: attention factor √(1 + ln 4 / ln 16) = √1.5.
        Assert.Equal(Math.Sqrt(1.5), scaling.AttentionFactor, 12);
        double[] exponents = [0, 0.25, 0.5, 0.75];   // 2i / head_dim for head_dim 8
        foreach (var (length, factors) in new[] { (16L, new[] { 1.0, 2, 4, 8 }), (17L, new[] { 3.0, 5, 7, 9 }) })
        {
            var inv = Rotary.InverseFrequencies(8, 100.0, scaling, CPU, length).data<float>().ToArray();
            for (int i = 0; i < 4; i++)
                Assert.Equal(1 / (factors[i] * Math.Pow(100.0, exponents[i])), inv[i], 6);
        }
        var (cos, _) = Rotary.Tables(zeros(1, 1, dtype: ScalarType.Int64), 8, 100.0, ScalarType.Float32, scaling, 1);
        Assert.Equal(Math.Sqrt(1.5), cos.max().item<float>(), 5);   // cos(0) · attention factor
    }

    [Fact]
    public void Longrope_within_its_original_context_keeps_the_attention_factor_at_one()
    {
        Assert.Equal(1.0, Phi3(maxPositions: 64, original: 4096).RopeScaling!.AttentionFactor);
    }

    [Fact]
    public void Longrope_factors_must_number_half_the_head_size()
    {
        var json = new JsonObject
        {
            ["model_type"] = "phi3", ["vocab_size"] = 64, ["hidden_size"] = 32, ["num_hidden_layers"] = 1, ["num_attention_heads"] = 4,
            ["intermediate_size"] = 64, ["rope_parameters"] = new JsonObject
            {
                ["rope_type"] = "longrope", ["short_factor"] = new JsonArray(1.0, 2.0), ["long_factor"] = new JsonArray(3.0, 5.0, 7.0, 9.0),
            },
        };
        var error = Assert.Throws<ModelLoadException>(() => ModelConfig.Parse(json, "/m/config.json"));
        Assert.Contains("longrope's 'short_factor' has 2 values; expected 4", error.Message);
    }

    [Fact]
    public void Linear_rope_divides_every_frequency_by_its_factor()
    {
        // transformers' _compute_linear_scaling_rope_parameters, as Gemma 3's global layers use it.
        var linear = new Lora.RopeScaling("linear", 8.0, 0, 0, 0);
        var plain = Rotary.InverseFrequencies(16, 10000.0, null, CPU).data<float>().ToArray();
        var scaled = Rotary.InverseFrequencies(16, 10000.0, linear, CPU).data<float>().ToArray();
        for (int i = 0; i < plain.Length; i++) Assert.Equal(plain[i] / 8, scaled[i], 7);
    }
}
