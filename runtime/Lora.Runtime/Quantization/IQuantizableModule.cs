namespace Lora.Runtime.Quantization;

/// <summary>A module whose frozen <c>weight</c> can live in 4 bits: a projection (<see cref="Adapters.LoraLinear"/>) or an embedding table.</summary>
public interface IQuantizableModule
{
    /// <summary>The weight in 4 bits, or null while it is full precision.</summary>
    QuantizedWeight? Quantized { get; }

    /// <summary>Quantizes the current full-precision weight in place of itself.</summary>
    void Quantize(Lora.QuantType type, bool doubleQuant);

    /// <summary>Takes <paramref name="quantized"/> (e.g. read from a bitsandbytes checkpoint) in place of the full-precision weight.</summary>
    void SetQuantized(QuantizedWeight quantized);
}
