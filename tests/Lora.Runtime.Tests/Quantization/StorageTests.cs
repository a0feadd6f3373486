using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using static Lora.Runtime.Tests.Quantization.QuantizationTestData;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Quantization;


/// <summary>
/// Storage per weight with NF4 and double quantization: 4 bits of code, 8/64 bits of absmax code and
/// 32/(64·256) bits of nested float32 absmax: 4 + 8/64 + 32/(64·256) = 4.126953125 ≈ 4.127 bits, at most 4.13.
/// </summary>
public sealed class StorageTests
{
    private const double QloraBitsPerWeight = 4 + 8.0 / 64 + 32.0 / (64 * 256);
    private const double Limit = 4.13;

    public StorageTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void A_4096_by_4096_weight_takes_the_papers_4_127_bits_per_weight()
    {
        using var weight = randn([4096, 4096], generator: new TorchSharp.torch.Generator(3)).mul(0.02);
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);

        Assert.Equal(4096L * 4096 / 2 + 4096L * 4096 / 64 + 4 * (4096L * 4096 / 64 / 256), q.StorageBytes);
        Assert.Equal(QloraBitsPerWeight, q.BitsPerWeight, 12);
        Assert.True(q.BitsPerWeight <= Limit);
    }

    [Theory]
    [InlineData("tiny-gpt2")]
    [InlineData("tiny-llama")]
    public void The_fixture_models_take_at_most_4_13_bits_per_quantized_weight(string model)
    {
        long bytes = 0, weights = 0;
        foreach (var (name, weight) in TwoDimensionalWeights(model))
        {
            using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);
            var n = weight.NumberOfElements;
            var blocks = (n + 63) / 64;
            // Per tensor: ceil(n/2) code bytes, one absmax code per block, one float32 per (partly filled) 256 blocks.
            Assert.True(q.StorageBytes == (n + 1) / 2 + blocks + 4 * ((blocks + 255) / 256), $"{name}: {q.StorageBytes} bytes");
            bytes += q.StorageBytes;
            weights += n;
        }

        // These matrices hold 2k–33k weights, so one nested block is only partly filled: a little above 4.127.
        var bits = bytes * 8.0 / weights;
        Assert.True(bits <= Limit, $"{model}: {bits:F5} bits per weight");
        Assert.True(bits >= QloraBitsPerWeight, $"{model}: {bits:F5} bits per weight is below the formula");
    }

    [Fact]
    public void Without_double_quantization_the_absmax_costs_32_over_64_bits()
    {
        using var weight = randn([256, 256], generator: new TorchSharp.torch.Generator(5));
        using var q = QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: false);
        Assert.Equal(4.5, q.BitsPerWeight, 12);
    }
}
