using BenchmarkDotNet.Attributes;
using Lora.Runtime.Adapters;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.MicroBenchmarks;

/// <summary>
/// A 512 → 1376 projection (the shape of gate_proj / up_proj) on (4, 256, 512) activations, with and without a
/// rank-16 LoRA adapter: forward alone, and forward plus the backward pass to the input and the adapter factors.
/// The bare projection is each category's baseline, so Ratio is what the adapter costs.
/// </summary>
[BenchmarkCategory("LoraLinear")]
public class LoraLinearBenchmarks
{
    const string Adapter = "default";
    LoraLinear _bare = null!, _adapted = null!;
    Tensor _input = null!, _gradOutput = null!;
    Tensor[] _adaptedInputs = null!;

    [GlobalSetup]
    public void Setup()
    {
        Shapes.Initialize();
        _bare = Projection();
        _adapted = Projection();
        _adapted.AddAdapter(Adapter, Shapes.Rank, Shapes.Alpha, dropout: 0, useRsLora: false, ScalarType.Float32);
        using (no_grad())
            // B starts at zero (PEFT's default); a trained adapter's is not, so fill it as mid-training.
            _adapted.LoraB(Adapter).normal_(0, 0.02);
        _input = randn([Shapes.Batch, Shapes.Seq, Shapes.Hidden], ScalarType.Float32).requires_grad_(true);
        _gradOutput = randn([Shapes.Batch, Shapes.Seq, Shapes.Ffn], ScalarType.Float32);
        _adaptedInputs = [_input, _adapted.LoraA(Adapter), _adapted.LoraB(Adapter)];
    }

    static LoraLinear Projection()
    {
        var layer = new LoraLinear("up_proj", Shapes.Hidden, Shapes.Ffn, hasBias: false, fanInFanOut: false, ScalarType.Float32);
        using (no_grad()) layer.weight.normal_(0, 0.02);
        return layer;
    }

    [Benchmark(Baseline = true, Description = "Linear 512→1376 forward (no adapter)")]
    [BenchmarkCategory("Forward")]
    public void BareForward()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        _bare.forward(_input);
    }

    [Benchmark(Description = "LoraLinear r16 forward")]
    [BenchmarkCategory("Forward")]
    public void LoraForward()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        _adapted.forward(_input);
    }

    [Benchmark(Baseline = true, Description = "Linear 512→1376 fwd+bwd (no adapter)")]
    [BenchmarkCategory("ForwardBackward")]
    public void BareForwardBackward()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        var y = _bare.forward(_input);
        // autograd.grad returns the gradients instead of accumulating them into .grad: every call does the same work.
        autograd.grad([y], [_input], [_gradOutput]);
    }

    [Benchmark(Description = "LoraLinear r16 fwd+bwd")]
    [BenchmarkCategory("ForwardBackward")]
    public void LoraForwardBackward()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        var y = _adapted.forward(_input);
        autograd.grad([y], _adaptedInputs, [_gradOutput]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _bare.Dispose();
        _adapted.Dispose();
        _input.Dispose();
        _gradOutput.Dispose();
    }
}
