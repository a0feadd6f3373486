using Lora.Runtime.Autograd;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>
/// Llama's RMSNorm: normalised in float32, cast back, then scaled (transformers' order). Gemma's
/// (<see cref="ScalesByOnePlusWeight"/>) scales by 1 + weight, in float32, before the cast back.
/// </summary>
public sealed class RmsNorm : nn.Module<Tensor, Tensor>
{
    public Parameter weight;
    readonly double _eps;

    /// <param name="name">The module name (the checkpoint key's last part).</param>
    /// <param name="size">The normalised width.</param>
    /// <param name="eps">Added to the mean square.</param>
    /// <param name="dtype">The weight's dtype.</param>
    /// <param name="onePlusWeight">Gemma's norm: the weight is stored as an offset from 1 (so it starts at zero).</param>
    public RmsNorm(string name, long size, double eps, ScalarType dtype, bool onePlusWeight = false) : base(name)
    {
        _eps = eps;
        ScalesByOnePlusWeight = onePlusWeight;
        weight = new Parameter(onePlusWeight ? zeros(size, dtype) : ones(size, dtype), requires_grad: false);
        register_parameter("weight", weight);
    }

    /// <summary>Gemma's norm (transformers' GemmaRMSNorm): cast(x·r·(1 + weight)), all in float32 before the cast back.</summary>
    public bool ScalesByOnePlusWeight { get; }

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
            if (ScalesByOnePlusWeight)
                return (FusedRmsNorm.Normalize(x.to_type(ScalarType.Float32), _eps) * OnePlus(weight)).to_type(x.dtype).MoveToOuterDisposeScope();
            return (weight * FusedRmsNorm.Normalize(x, _eps)).MoveToOuterDisposeScope();
        }
        if (KeepsInputOnly && is_grad_enabled() && x.requires_grad && x.dtype != ScalarType.Float32 && !weight.requires_grad)
            return Function.apply(x, weight, _eps, ScalesByOnePlusWeight);
        using var scope = NewDisposeScope();
        var (normalized, _) = Normalize(x, weight, _eps, ScalesByOnePlusWeight);
        return normalized.MoveToOuterDisposeScope();
    }

    /// <summary>1 + weight in float32: Gemma's scale.</summary>
    static Tensor OnePlus(Tensor weight) => weight.to_type(ScalarType.Float32) + 1;

    /// <summary>
    /// weight · cast(x·r), or Gemma's cast(x·r·(1 + weight)), with r = 1/√(mean(x²) + eps) (…, 1) in float32; returns the
    /// output and r.
    /// </summary>
    static (Tensor Output, Tensor Scale) Normalize(Tensor x, Tensor weight, double eps, bool onePlusWeight)
    {
        var h = x.to_type(ScalarType.Float32);
        var scale = rsqrt(h.pow(2).mean([-1], keepdim: true) + eps);
        return onePlusWeight
            ? ((h * scale).mul_(OnePlus(weight)).to_type(x.dtype), scale)
            : (weight * (h * scale).to_type(x.dtype), scale);
    }

    sealed class Function : autograd.SingleTensorFunction<Function>
    {
        const string StateKey = "state", OnePlusKey = "onePlus";
        public override string Name => nameof(RmsNorm);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (x, weight, eps, onePlus) = ((Tensor)vars[0], (Tensor)vars[1], (double)vars[2], (bool)vars[3]);
            using var scope = NewDisposeScope();
            var (output, scale) = Normalize(x, weight, eps, onePlus);
            // Released by backward itself (see ChunkedLinearCrossEntropy on why not save_for_backward). Gemma's weight is
            // kept as its float32 scale, 1 + weight, which backward multiplies by in float32 as forward did.
            ctx.save_data(StateKey, new[] { x.detach(), onePlus ? OnePlus(weight) : weight.detach(), scale }.Select(t => t.DetachFromDisposeScope()).ToArray());
            ctx.save_data(OnePlusKey, onePlus);
            return output.MoveToOuterDisposeScope();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var state = (Tensor[])ctx.get_data(StateKey);
            var (x, weight, scale) = (state[0], state[1], state[2]);
            bool onePlus = (bool)ctx.get_data(OnePlusKey);
            Tensor gradInput;
            using (var scope = NewDisposeScope())
            {
                // n = x·r; the cast back to x's dtype passes the gradient through, as autograd's to_type does.
                var normalized = x.to_type(ScalarType.Float32).mul_(scale);                        // (…, H)
                var gradNormalized = onePlus
                    ? gradOutput.to_type(ScalarType.Float32).mul_(weight)                          // (…, H), weight = 1 + w in float32
                    : (gradOutput * weight).to_type(ScalarType.Float32);
                // d/dx of x·r(x): r · (g − n · mean(g · n)).
                var projection = (gradNormalized * normalized).mean([-1], keepdim: true);           // (…, 1)
                gradInput = gradNormalized.sub_(normalized.mul_(projection)).mul_(scale).to_type(x.dtype).MoveToOuterDisposeScope();
            }
            foreach (var t in state) t.Dispose();
            BackwardHandles.Done(gradOutput);
            return BackwardHandles.Return(gradInput, null, null, null);
        }
    }
}
