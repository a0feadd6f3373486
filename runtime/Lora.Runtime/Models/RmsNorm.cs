using Lora.Runtime.Autograd;
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

    /// <summary>
    /// Memory-lean training on the CPU (the model's gradient checkpointing sets it): with gradients through a 16-bit input,
    /// the norm is one autograd node that keeps x and the per-row scale, where the composed tensor ops keep x's float32 copy
    /// (twice x's size) for every norm of the step. Off otherwise: that node's backward runs in managed code. On a GPU
    /// neither is used: libtorch's fused kernel (<see cref="FusedRmsNorm"/>) keeps x and the scale and is the fastest.
    /// </summary>
    public bool KeepsInputOnly { get; set; }

    /// <summary>x (…, H) → (…, H) in x's dtype.</summary>
    public override Tensor forward(Tensor x)
    {
        // On a GPU, libtorch's fused kernel (one pass each way, keeping x and a float32 scale per row, so memory-lean
        // runs need nothing else); the weight multiplies after the cast back, in transformers' order.
        if (x.device_type == DeviceType.CUDA)
        {
            using var fused = NewDisposeScope();
            return (weight * FusedRmsNorm.Normalize(x, _eps)).MoveToOuterDisposeScope();
        }
        if (KeepsInputOnly && is_grad_enabled() && x.requires_grad && x.dtype != ScalarType.Float32 && !weight.requires_grad)
            return Function.apply(x, weight, _eps);
        using var scope = NewDisposeScope();
        var (normalized, _) = Normalize(x, weight, _eps);
        return normalized.MoveToOuterDisposeScope();
    }

    /// <summary>weight · cast(x·r) with r = 1/√(mean(x²) + eps) (…, 1) in float32; returns the output and r.</summary>
    static (Tensor Output, Tensor Scale) Normalize(Tensor x, Tensor weight, double eps)
    {
        var h = x.to_type(ScalarType.Float32);
        var scale = rsqrt(h.pow(2).mean([-1], keepdim: true) + eps);
        return (weight * (h * scale).to_type(x.dtype), scale);
    }

    sealed class Function : autograd.SingleTensorFunction<Function>
    {
        const string StateKey = "state";
        public override string Name => nameof(RmsNorm);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (x, weight, eps) = ((Tensor)vars[0], (Tensor)vars[1], (double)vars[2]);
            using var scope = NewDisposeScope();
            var (output, scale) = Normalize(x, weight, eps);
            // Released by backward itself (see ChunkedLinearCrossEntropy on why not save_for_backward).
            ctx.save_data(StateKey, new[] { x.detach(), weight.detach(), scale }.Select(t => t.DetachFromDisposeScope()).ToArray());
            return output.MoveToOuterDisposeScope();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var state = (Tensor[])ctx.get_data(StateKey);
            var (x, weight, scale) = (state[0], state[1], state[2]);
            Tensor gradInput;
            using (var scope = NewDisposeScope())
            {
                // n = x·r; the cast back to x's dtype passes the gradient through, as autograd's to_type does.
                var normalized = x.to_type(ScalarType.Float32).mul_(scale);                        // (…, H)
                var gradNormalized = (gradOutput * weight).to_type(ScalarType.Float32);             // (…, H)
                // d/dx of x·r(x): r · (g − n · mean(g · n)).
                var projection = (gradNormalized * normalized).mean([-1], keepdim: true);           // (…, 1)
                gradInput = gradNormalized.sub_(normalized.mul_(projection)).mul_(scale).to_type(x.dtype).MoveToOuterDisposeScope();
            }
            foreach (var t in state) t.Dispose();
            BackwardHandles.Done(gradOutput);
            return BackwardHandles.Return(gradInput, null, null);
        }
    }
}
