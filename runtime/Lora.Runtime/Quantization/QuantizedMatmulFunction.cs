using Lora.Runtime.Autograd;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// The custom autograd node behind <see cref="QuantizedMatmul"/>: inputs (x, QuantizedWeight, bias?).
/// Saves only the weight object (packed codes, not a dequantized copy) and two flags.
/// </summary>
internal sealed class QuantizedMatmulFunction : autograd.SingleTensorFunction<QuantizedMatmulFunction>
{
    private const string WeightKey = "weight", InputNeedsGradKey = "x_needs_grad", BiasNeedsGradKey = "bias_needs_grad";

    public override string Name => nameof(QuantizedMatmulFunction);

    public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = (Tensor)vars[0];                                              // [..., in]
        var weight = (QuantizedWeight)vars[1];
        var bias = vars[2] as Tensor;                                         // [out] or null
        ctx.save_data(WeightKey, weight);
        ctx.save_data(InputNeedsGradKey, x.requires_grad);
        ctx.save_data(BiasNeedsGradKey, bias?.requires_grad ?? false);

        using var w = weight.Dequantize(x.dtype);                             // [out, in]
        using var b = bias?.to_type(x.dtype);
        return nn.functional.linear(x, w, b);                                 // [..., out]
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
    {
        // gradOutput: [..., out]. Gradients in input order: x, the weight object (none), bias.
        var weight = (QuantizedWeight)ctx.get_data(WeightKey);
        Tensor? gradInput = null, gradBias = null;
        if ((bool)ctx.get_data(InputNeedsGradKey))
        {
            using var w = weight.Dequantize(gradOutput.dtype);                // [out, in], recomputed
            gradInput = gradOutput.matmul(w);                                 // [..., in]
        }

        if ((bool)ctx.get_data(BiasNeedsGradKey))
        {
            using var rows = gradOutput.reshape(-1, gradOutput.shape[^1]);   // [N, out]
            gradBias = rows.sum(dim: 0);                                         // [out]
        }

        BackwardHandles.Done(gradOutput);
        return BackwardHandles.Return(gradInput, null, gradBias);
    }
}
