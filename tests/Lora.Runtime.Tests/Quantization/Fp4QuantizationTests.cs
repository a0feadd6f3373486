using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using static Lora.Runtime.Tests.Quantization.QuantizationTestData;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Quantization;


/// <summary>FP4 as bitsandbytes: sign in bit 3, magnitude codes 0, 0.0625, 8, 12, 4, 6, 2, 3 (over 12).</summary>
public sealed class Fp4QuantizationTests
{
    public Fp4QuantizationTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void The_quant_map_is_get_4bit_type_fp4()
    {
        Assert.Equal(
            new[] { 0f, 0.0625f / 12, 8f / 12, 1f, 4f / 12, 6f / 12, 2f / 12, 3f / 12, 0f, -0.0625f / 12, -8f / 12, -1f, -4f / 12, -6f / 12, -2f / 12, -3f / 12 },
            Fp4Codebook.Instance.QuantMap);
    }

    [Fact]
    public void Hand_picked_values_get_bitsandbytes_codes()
    {
        // absmax 1 (the first value): 1 → 0b0011, -1 → 0b1011, 0.25 → 0b0111, 0.003 → 0b0001, 0 → 0, -0.5 → 0b1101.
        using var weight = tensor(new float[] { 1.0f, -1.0f, 0.25f, 0.003f, 0.0f, -0.5f }, [6]);
        using var q = QuantizedWeight.Quantize(weight, QuantType.FP4, doubleQuant: false);
        Assert.Equal(new byte[] { 0b0011, 0b1011, 0b0111, 0b0001, 0b0000, 0b1101 }, Bytes(q.Codes()));
    }

    [Fact]
    public void Every_code_of_a_fixture_weight_is_the_nearest_fp4_level()
    {
        var levels = Fp4Codebook.Instance.Levels;
        var (name, weight) = TwoDimensionalWeights("tiny-gpt2").First();
        using var q = QuantizedWeight.Quantize(weight, QuantType.FP4, doubleQuant: true);
        var values = Floats(weight);
        var absmax = BlockAbsmax(values, 64);
        var codes = Bytes(q.Codes());
        for (var i = 0; i < values.Length; i++)
        {
            var x = values[i] / (double)absmax[i / 64];
            var nearest = Nearest(x, levels);
            Assert.True(Math.Abs(x - levels[codes[i]]) <= nearest.Distance + 1e-6, $"{name}[{i}]: x = {x:R} code {codes[i]}, nearest {nearest.Index}");
        }
    }
}
