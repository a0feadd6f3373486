using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// A module whose frozen <see cref="weight"/> can live in 4 bits: a projection (<see cref="Adapters.LoraLinear"/>) or an
/// embedding table (<see cref="Models.EmbeddingTable"/>). The 4-bit weight is not a parameter, so this class moves it
/// with the module; while it holds the weight, <see cref="weight"/> is empty.
/// </summary>
public abstract class QuantizableModule : nn.Module<Tensor, Tensor>
{
    /// <summary>The full-precision weight (checkpoint key <c>weight</c>); empty while <see cref="Quantized"/> holds it.</summary>
    public Parameter weight;

    protected QuantizableModule(string name, long[] shape, ScalarType dtype) : base(name)
    {
        // Uninitialised on purpose: a checkpoint or a random initialiser fills it; allocation only.
        weight = new Parameter(empty(shape, dtype), requires_grad: false);
        register_parameter("weight", weight);
    }

    /// <summary>The frozen weight in 4 bits, or null while it is full precision.</summary>
    public QuantizedWeight? Quantized { get; private set; }

    /// <summary>Quantizes the current full-precision weight in place of itself.</summary>
    public abstract void Quantize(Lora.QuantType type, bool doubleQuant);

    /// <summary>The weight in <paramref name="dtype"/>, in <see cref="weight"/>'s layout (dequantized when 4-bit).</summary>
    public abstract Tensor FullWeight(ScalarType dtype);

    /// <summary>Throws an <see cref="ArgumentException"/> naming this module when <paramref name="quantized"/> does not fit it.</summary>
    protected abstract void CheckFits(QuantizedWeight quantized);

    /// <summary>Takes <paramref name="quantized"/> (e.g. read from a bitsandbytes checkpoint) in place of the full-precision weight, which is freed.</summary>
    public void SetQuantized(QuantizedWeight quantized)
    {
        CheckFits(quantized);
        Quantized?.Dispose();
        Quantized = quantized;
        using (no_grad()) weight.set_(empty(0, weight.dtype, weight.device));
    }

    /// <summary>Replaces a 4-bit weight by full-precision <paramref name="full"/> (layout of <see cref="FullWeight"/>): the result of merging into it.</summary>
    internal void SetFullWeight(Tensor full)
    {
        using (no_grad()) weight.set_(full.to_type(weight.dtype).contiguous().clone());
        Quantized?.Dispose();
        Quantized = null;
    }

    protected override nn.Module _to(DeviceType deviceType, int deviceIndex, bool non_blocking)
    {
        Quantized = Quantized?.MoveTo(new Device(deviceType, deviceIndex));
        return base._to(deviceType, deviceIndex, non_blocking);
    }

    protected override nn.Module _to(Device device, ScalarType dtype, bool non_blocking)
    {
        Quantized = Quantized?.MoveTo(device);
        return base._to(device, dtype, non_blocking);
    }
}
