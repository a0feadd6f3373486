using BenchmarkDotNet.Attributes;
using Lora.Runtime.Quantization;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.MicroBenchmarks;

/// <summary>
/// QLoRA's per-forward cost: <see cref="QuantizedWeight.Dequantize"/> to float32 of an NF4 weight (blocks of 64,
/// double-quantized absmax), quantized once in setup: a 1376 × 512 projection of the benchmark model and a
/// 4096 × 4096 one of a 7B-class model.
/// </summary>
[BenchmarkCategory("Nf4")]
public class Nf4DequantizeBenchmarks
{
    QuantizedWeight _small = null!, _large = null!;

    [GlobalSetup]
    public void Setup()
    {
        Shapes.Initialize();
        _small = Quantized(Shapes.Ffn, Shapes.Hidden);
        _large = Quantized(4096, 4096);
    }

    static QuantizedWeight Quantized(long rows, long columns)
    {
        using var scope = NewDisposeScope();
        return QuantizedWeight.Quantize(randn([rows, columns], ScalarType.Float32).mul_(0.02), Lora.QuantType.NF4, doubleQuant: true);
    }

    [Benchmark(Description = "NF4 dequantize 1376×512 → fp32")]
    public void DequantizeSmall()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        _small.Dequantize(ScalarType.Float32);
    }

    [Benchmark(Description = "NF4 dequantize 4096×4096 → fp32")]
    public void DequantizeLarge()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        _large.Dequantize(ScalarType.Float32);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _small.Dispose();
        _large.Dispose();
    }
}
