namespace Lora
{
    /// <summary>The resolved <see cref="QuantizeAttribute"/>.</summary>
    /// <param name="Type">The storage type of the base weights.</param>
    /// <param name="DoubleQuant">Whether the absmax constants are quantized too.</param>
    /// <param name="ComputeType">The type dequantized weights are multiplied in.</param>
    /// <param name="Embeddings">Whether the embedding tables and the LM head are 4-bit too.</param>
    public sealed record QuantizationSettings(QuantType Type, bool DoubleQuant, ComputeType ComputeType, bool Embeddings = false);
}
