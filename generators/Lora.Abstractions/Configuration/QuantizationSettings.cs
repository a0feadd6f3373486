namespace Lora
{
    /// <summary>The resolved <see cref="QuantizeAttribute"/>.</summary>
    /// <param name="Type">The storage type of the base weights.</param>
    /// <param name="DoubleQuant">Whether the absmax constants are quantized too.</param>
    /// <param name="ComputeType">The type dequantized weights are multiplied in.</param>
    public sealed record QuantizationSettings(QuantType Type, bool DoubleQuant, ComputeType ComputeType);
}
