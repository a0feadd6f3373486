using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>GPT-2's LayerNorm with checkpoint-named <c>weight</c> and <c>bias</c>.</summary>
public sealed class LayerNorm : nn.Module<Tensor, Tensor>
{
    public Parameter weight, bias;
    readonly double _eps;

    public LayerNorm(string name, long size, double eps, ScalarType dtype) : base(name)
    {
        _eps = eps;
        weight = new Parameter(ones(size, dtype), requires_grad: false);
        bias = new Parameter(zeros(size, dtype), requires_grad: false);
        register_parameter("weight", weight);
        register_parameter("bias", bias);
    }

    public override Tensor forward(Tensor x) => nn.functional.layer_norm(x, [x.shape[^1]], weight, bias, _eps);
}
