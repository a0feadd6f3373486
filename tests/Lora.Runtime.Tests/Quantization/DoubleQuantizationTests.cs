using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using static Lora.Runtime.Tests.Quantization.QuantizationTestData;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Quantization;


/// <summary>
/// Double quantization: absmax − mean(absmax), in blocks of 256, to the nearest dynamic-map entry scaled by
/// the block's absmax; reconstruction within the 8-bit cell, weights within the NF4 cell plus that error.
/// </summary>
public sealed class DoubleQuantizationTests
{
    public DoubleQuantizationTests() => TorchNative.EnsureLoaded();

    [Theory]
    [InlineData("tiny-gpt2")]
    [InlineData("tiny-llama")]
    public void Absmax_codes_reconstruct_within_their_8_bit_cell(string model)
    {
        var map = DynamicQuantMap.Signed;
        foreach (var (name, weight) in TwoDimensionalWeights(model))
        {
            using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);
            var nested = q.Nested!;
            var absmax = BlockAbsmax(Floats(weight), 64);
            var offset = absmax.Select(a => (double)a).Average();
            Assert.Equal(ScalarType.Byte, q.Absmax.dtype);
            Assert.Equal(absmax.Length, q.Absmax.shape[0]);
            Assert.Equal(256, nested.Blocksize);
            Assert.Equal(offset, nested.Offset.item<float>(), 1e-6 * offset);
            Assert.Equal(map, Floats(nested.QuantMap));

            var centered = absmax.Select(a => a - nested.Offset.item<float>()).ToArray();
            Assert.Equal(BlockAbsmax(centered, 256), Floats(nested.NestedAbsmax));

            var codes = Bytes(q.Absmax);
            var nestedAbsmax = Floats(nested.NestedAbsmax);
            var restored = Floats(q.DequantizeAbsmax());
            for (var i = 0; i < absmax.Length; i++)
            {
                // The value's cell around its map entry, scaled back: half the larger neighbouring gap
                // (at code 0, the distance from map[0] ≈ −0.993 down to −1), plus float32 rounding.
                var scale = nestedAbsmax[i / 256];
                var bound = CellRadius(map, codes[i]) * scale + 1e-6 * Math.Max(absmax[i], scale);
                var error = Math.Abs(absmax[i] - restored[i]);
                Assert.True(error <= bound, $"{model} {name} absmax[{i}] = {absmax[i]:R} restored {restored[i]:R} (code {codes[i]}): error {error:E3} > {bound:E3}");
            }
        }
    }

    [Theory]
    [InlineData("tiny-gpt2")]
    [InlineData("tiny-llama")]
    public void Dequantized_weights_are_within_the_nf4_cell_of_the_true_absmax_plus_the_absmax_error(string model)
    {
        var levels = Nf4Codebook.Instance.Levels;
        foreach (var (name, weight) in TwoDimensionalWeights(model))
        {
            using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);
            var values = Floats(weight);
            var absmax = BlockAbsmax(values, 64);
            var restoredAbsmax = Floats(q.DequantizeAbsmax());
            var codes = Bytes(q.Codes());
            var deq = Floats(q.Dequantize(ScalarType.Float32));
            for (var i = 0; i < values.Length; i++)
            {
                // |w − L·â| ≤ |w − L·a| + |L|·|a − â| ≤ cell(L)·a + |L|·|a − â|.
                var a = absmax[i / 64];
                var bound = (CellRadius(levels, codes[i]) + 1e-6) * a + Math.Abs(levels[codes[i]]) * Math.Abs(a - restoredAbsmax[i / 64]) + 1e-7;
                var error = Math.Abs(values[i] - deq[i]);
                Assert.True(error <= bound, $"{model} {name}[{i}]: w = {values[i]:R}, dequantized {deq[i]:R}, error {error:E3} > {bound:E3}");
            }
        }
    }

    [Fact]
    public void Double_quantization_does_not_change_the_4_bit_codes()
    {
        var (_, weight) = TwoDimensionalWeights("tiny-gpt2").Last();
        using var plain = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: false);
        using var nested = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);
        Assert.Equal(Bytes(plain.Packed), Bytes(nested.Packed));
    }

    [Fact]
    public void A_single_block_weight_keeps_its_absmax_exactly_in_the_offset()
    {
        // One absmax value: the offset is that value, the centered value 0, the nested absmax 0.
        using var weight = linspace(-0.5, 0.25, 64).reshape(1, 64);
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);
        Assert.Equal(new[] { 0.5f }, Floats(q.DequantizeAbsmax()));
        Assert.Equal(new[] { 0.0f }, Floats(q.Nested!.NestedAbsmax));
    }
}
