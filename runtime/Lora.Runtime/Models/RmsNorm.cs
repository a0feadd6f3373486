using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>Llama's RMSNorm: normalised in float32, cast back, then scaled (transformers' order).</summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    public Parameter weight;
    readonly double _eps;

    public RmsNorm(string name, long size, double eps, ScalarType dtype) : base(name)
    {
        _eps = eps;
        weight = new Parameter(ones(size, dtype), requires_grad: false);
        register_parameter("weight", weight);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        var h = x.to_type(ScalarType.Float32);
        h = h * rsqrt(h.pow(2).mean([-1], keepdim: true) + _eps);
        return (weight * h.to_type(x.dtype)).MoveToOuterDisposeScope();
    }
}
