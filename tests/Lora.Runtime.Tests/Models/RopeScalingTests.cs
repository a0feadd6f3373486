using System.Text.Json.Nodes;
using Lora.Runtime.Models;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Models;

/// <summary>
/// The RoPE rules against their formulas where the parity fixtures do not reach: longrope's long factors and attention
/// factor (tiny-phi3-longrope's sequences stay within its original context, so only the short factors meet transformers),
/// YaRN and dynamic NTK (no fixture yet), and Phi-3's partial rotary factor. Each expected value is computed here in doubles
/// from transformers 5's formulas (modeling_rope_utils.py), not by the code under test.
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

    static ModelConfig Parse(string modelType, int hidden, int heads, int maxPositions, JsonObject rope, string ropeKey = "rope_parameters", double theta = 10000) => ModelConfig.Parse(new JsonObject
    {
        ["model_type"] = modelType, ["vocab_size"] = 64, ["hidden_size"] = hidden, ["num_hidden_layers"] = 1, ["num_attention_heads"] = heads,
        ["num_key_value_heads"] = heads, ["intermediate_size"] = 64, ["max_position_embeddings"] = maxPositions, ["rope_theta"] = theta, [ropeKey] = rope,
    });

    /// <summary>
    /// transformers' YaRN, by hand: f_i = θ^(−2i/d); low, high = floor/ceil of d·ln(original / (2π·β)) / (2 ln θ) for
    /// β = beta_fast, beta_slow (no rounding without truncate), clipped to [0, d − 1]; ramp r_i = clamp((i − low) / (high − low), 0, 1);
    /// f_i·r_i / factor + f_i·(1 − r_i).
    /// </summary>
    static double[] YarnByHand(int d, double theta, double factor, int original, double betaFast, double betaSlow, bool truncate)
    {
        double Dim(double beta) => d * Math.Log(original / (beta * 2 * Math.PI)) / (2 * Math.Log(theta));
        double low = truncate ? Math.Floor(Dim(betaFast)) : Dim(betaFast), high = truncate ? Math.Ceiling(Dim(betaSlow)) : Dim(betaSlow);
        low = Math.Max(low, 0);
        high = Math.Min(high, d - 1);
        if (low == high) high += 0.001;
        return Enumerable.Range(0, d / 2).Select(i =>
        {
            var f = Math.Pow(theta, -2.0 * i / d);
            var r = Math.Clamp((i - low) / (high - low), 0, 1);
            return f * r / factor + f * (1 - r);
        }).ToArray();
    }

    static void AssertClose(double[] expected, float[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 2e-6 * Math.Abs(expected[i]) + 1e-30, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    [Fact]
    public void Yarn_of_qwen2_5_long_context_block_matches_its_formula()
    {
        // Qwen2.5-7B-Instruct's config.json with the block its model card adds for 128K: head_dim 3584 / 28 = 128, θ = 10⁶.
        var config = Parse("qwen2", 3584, 28, 32768, new JsonObject { ["factor"] = 4.0, ["original_max_position_embeddings"] = 32768, ["type"] = "yarn" }, "rope_scaling", theta: 1e6);
        var yarn = config.RopeScaling!;
        Assert.Equal(("yarn", 4.0, 32768, 32.0, 1.0, true), (yarn.Type, yarn.Factor, yarn.OriginalMaxPositions, yarn.BetaFast, yarn.BetaSlow, yarn.Truncate));
        Assert.Equal(0.1 * Math.Log(4) + 1, yarn.AttentionFactor, 12);   // 1.1386…
        var expected = YarnByHand(128, 1e6, 4, 32768, 32, 1, truncate: true);
        AssertClose(expected, Rotary.InverseFrequencies(config.RotaryDim, config.RopeTheta, yarn, CPU).data<float>().ToArray(), "qwen2.5 yarn");
        // Some frequencies are kept, some interpolated by 4, and some lie on the ramp between.
        var plain = Enumerable.Range(0, 64).Select(i => Math.Pow(1e6, -2.0 * i / 128)).ToArray();
        var ratios = expected.Zip(plain, (e, p) => p / e).ToArray();
        Assert.Contains(ratios, r => Math.Abs(r - 1) < 1e-12);
        Assert.Contains(ratios, r => Math.Abs(r - 4) < 1e-9);
        Assert.Contains(ratios, r => r > 1.01 && r < 3.99);
        // cos(0) and sin's peak carry the attention factor.
        var (cos, _) = Rotary.Tables(zeros(1, 1, dtype: ScalarType.Int64), config.RotaryDim, config.RopeTheta, ScalarType.Float32, yarn, 1);
        Assert.Equal(0.1 * Math.Log(4) + 1, cos.max().item<float>(), 5);
    }

    [Fact]
    public void Yarn_with_its_optional_keys_matches_its_formula()
    {
        // beta_fast/beta_slow given, truncate false (fractional ramp ends), the attention factor from mscale / mscale_all_dim
        // (DeepSeek's keys), the original context from the top level, and a factor that JSON null derives from the lengths.
        var rope = new JsonObject { ["rope_type"] = "yarn", ["factor"] = 8.0, ["beta_fast"] = 16, ["beta_slow"] = 2, ["truncate"] = false, ["mscale"] = 0.8, ["mscale_all_dim"] = 1.3 };
        var config = Parse("llama", 64, 2, 4096, rope);
        var yarn = config.RopeScaling!;
        Assert.Equal((0.1 * 0.8 * Math.Log(8) + 1) / (0.1 * 1.3 * Math.Log(8) + 1), yarn.AttentionFactor, 12);
        Assert.Equal(4096, yarn.OriginalMaxPositions);   // none given: max_position_embeddings
        AssertClose(YarnByHand(32, 10000, 8, 4096, 16, 2, truncate: false), Rotary.InverseFrequencies(32, 10000, yarn, CPU).data<float>().ToArray(), "yarn, no truncation");

        var derived = Parse("llama", 64, 2, 4096, new JsonObject { ["rope_type"] = "yarn", ["factor"] = null, ["original_max_position_embeddings"] = 1024, ["beta_fast"] = 0 });
        Assert.Equal((4.0, 1024, 32.0, 0.1 * Math.Log(4) + 1), (derived.RopeScaling!.Factor, derived.RopeScaling.OriginalMaxPositions, derived.RopeScaling.BetaFast, derived.RopeScaling.AttentionFactor));
        var given = Parse("llama", 64, 2, 4096, new JsonObject { ["rope_type"] = "yarn", ["factor"] = 2.0, ["attention_factor"] = 0.75 });
        Assert.Equal(0.75, given.RopeScaling!.AttentionFactor);
    }

    [Fact]
    public void Dynamic_ntk_keeps_the_base_within_max_positions_and_grows_it_past()
    {
        var config = Parse("llama", 64, 4, 64, new JsonObject { ["type"] = "dynamic", ["factor"] = 2.0 }, "rope_scaling");
        var dynamic = config.RopeScaling!;
        Assert.Equal(("dynamic", 2.0, 64), (dynamic.Type, dynamic.Factor, dynamic.OriginalMaxPositions));
        double[] Frequencies(double theta) => Enumerable.Range(0, 8).Select(i => Math.Pow(theta, -2.0 * i / 16)).ToArray();
        foreach (var length in new long[] { 1, 40, 64 })
            AssertClose(Frequencies(10000), Rotary.InverseFrequencies(16, 10000, dynamic, CPU, length).data<float>().ToArray(), $"dynamic at {length}");
        foreach (var length in new long[] { 65, 100, 1000 })
        {
            var theta = 10000 * Math.Pow(2.0 * length / 64 - 1, 16 / 14.0);   // θ·(factor·L/max − (factor − 1))^(d/(d−2))
            AssertClose(Frequencies(theta), Rotary.InverseFrequencies(16, 10000, dynamic, CPU, length).data<float>().ToArray(), $"dynamic at {length}");
        }
        // The model's tables follow the tokens seen (cached + new): a 100-token call rotates position 1 by the grown base.
        var (cos, sin) = Rotary.Tables(ones(1, 1, dtype: ScalarType.Int64), 16, 10000, ScalarType.Float32, dynamic, 100);
        var grown = 10000 * Math.Pow(2.0 * 100 / 64 - 1, 16 / 14.0);
        Assert.Equal(Math.Cos(Math.Pow(grown, -2.0 / 16)), cos[0, 0, 0, 1].item<float>(), 6);
        Assert.Equal(Math.Sin(Math.Pow(grown, -2.0 / 16)), sin[0, 0, 0, 9].item<float>(), 6);
    }

    [Fact]
    public void Dynamic_ntk_keeps_the_longest_sequence_seen_until_one_within_max_positions_resets_it()
    {
        // transformers' dynamic_rope_update: max_seq_len_cached grows with a longer call and returns to max_position_embeddings
        // (16 here) after a call within it. A causal model's first n logits of a call of L tokens are those of its first n
        // tokens rotated for L: that is what a shorter call after a longer one gives, while a fresh model rotates for n.
        var config = SmallModels.LlamaConfig();
        config["max_position_embeddings"] = 16;
        config["rope_scaling"] = new JsonObject { ["type"] = "dynamic", ["factor"] = 4.0 };
        using var model = SmallModels.Random(config);
        var ids = SmallModels.Ids(length: 24);
        using var _ = no_grad();
        Tensor Fresh(long length)
        {
            using var fresh = SmallModels.Random(config);
            return fresh.Forward(ids.narrow(1, 0, length));
        }

        var long24 = model.Forward(ids);
        var after24 = model.Forward(ids.narrow(1, 0, 20));
        Tolerance.Close(after24, long24.narrow(1, 0, 20), 1e-6, "20 tokens after 24: rotated for 24");
        Assert.True(Tolerance.RelativeError(after24, Fresh(20)) > 1e-4, "a shorter call past max forgot the longer one");
        Tolerance.Close(model.Forward(ids.narrow(1, 0, 10)), Fresh(10), 1e-6, "10 tokens, within max: default frequencies");
        Tolerance.Close(model.Forward(ids.narrow(1, 0, 20)), Fresh(20), 1e-6, "20 tokens after the reset: rotated for 20");
    }

    [Fact]
    public void Partial_rotary_factor_rotates_the_leading_channels_and_passes_the_rest()
    {
        // Phi-4-mini's rule: head_dim 16 × 0.75 = 12 channels rotate by θ^(−2i/12); channels 12..15 pass through.
        var config = ModelConfig.Parse(new JsonObject
        {
            ["model_type"] = "phi3", ["vocab_size"] = 64, ["hidden_size"] = 32, ["num_hidden_layers"] = 1, ["num_attention_heads"] = 2,
            ["intermediate_size"] = 64, ["partial_rotary_factor"] = 0.75,
        });
        Assert.Equal((16, 12), (config.HeadDim, config.RotaryDim));
        manual_seed(3);
        var x = randn(1, 2, 5, 16);                                                        // (B, h, T, hd)
        var (cos, sin) = Rotary.Tables(arange(5, dtype: ScalarType.Int64).unsqueeze(0), config.RotaryDim, config.RopeTheta, ScalarType.Float32);
        var rotated = Rotary.Apply(x, cos, sin);
        Assert.True(rotated.narrow(-1, 12, 4).eq(x.narrow(-1, 12, 4)).all().item<bool>());
        var xs = x.data<float>().ToArray();
        var ys = rotated.data<float>().ToArray();
        for (int h = 0; h < 2; h++)
            for (int t = 0; t < 5; t++)
                for (int c = 0; c < 12; c++)
                {
                    int at(int channel) => (h * 5 + t) * 16 + channel;
                    var angle = t * Math.Pow(10000, -2.0 * (c % 6) / 12);
                    var partner = c < 6 ? -xs[at(c + 6)] : xs[at(c - 6)];   // rotate_half over the 12 rotated channels
                    Assert.Equal(xs[at(c)] * Math.Cos(angle) + partner * Math.Sin(angle), ys[at(c)], 5);
                }
    }
}
