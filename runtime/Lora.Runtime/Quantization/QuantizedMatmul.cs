using Lora.Runtime.Tensors;
using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// y = x · deq(W)ᵀ (+ bias) for a frozen 4-bit weight. The weight is dequantized in x's dtype for the
/// forward pass and again in the backward pass for grad_x; the dequantized copy is never saved for
/// backward, so at most one layer's dequantized weight is alive at a time. W gets no gradient.
/// </summary>
public static class QuantizedMatmul
{
    /// <summary>x [..., in], W [out, in], bias [out] or null → [..., out].</summary>
    public static Tensor Forward(Tensor x, QuantizedWeight weight, Tensor? bias)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(weight);
        if (weight.Shape.Length != 2)
            throw new ArgumentException($"A quantized linear weight must be 2-D [out, in]; this one is [{string.Join(", ", weight.Shape)}].", nameof(weight));
        if (x.dim() == 0 || x.shape[^1] != weight.Shape[1])
            throw new ArgumentException(
                $"Input features {(x.dim() == 0 ? "(a scalar)" : x.shape[^1].ToString())} do not match the weight's {weight.Shape[1]} (weight [{weight.Shape[0]}, {weight.Shape[1]}]).", nameof(x));
        if (bias is not null && (bias.dim() != 1 || bias.shape[0] != weight.Shape[0]))
            throw new ArgumentException($"Bias must be [{weight.Shape[0]}]; it is [{string.Join(", ", bias.shape)}].", nameof(bias));
        if (!Devices.Same(x.device, weight.Device))
            throw new ArgumentException($"The input is on {x.device} but the quantized weight is on {weight.Device}; move the weight once with QuantizedWeight.To.", nameof(x));

        return QuantizedMatmulFunction.apply(x, weight, bias!);
    }
}
