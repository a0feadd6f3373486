namespace Lora.Runtime.Safetensors;

/// <summary>One tensor described by a safetensors header.</summary>
/// <param name="Name">The header key, e.g. "model.layers.0.self_attn.q_proj.weight".</param>
/// <param name="DType">The element type.</param>
/// <param name="Shape">Dimensions, outermost first; empty for a scalar.</param>
/// <param name="Begin">First byte, relative to the start of the data buffer (the byte after the header).</param>
/// <param name="End">One past the last byte, relative to the start of the data buffer.</param>
public sealed record TensorEntry(string Name, SafetensorsDType DType, long[] Shape, long Begin, long End)
{
    /// <summary>Product of the dimensions (1 for a scalar); throws <see cref="OverflowException"/> on a shape that no file could hold.</summary>
    public long ElementCount => ShapeArithmetic.ElementCount(Shape);

    /// <summary>Bytes the tensor occupies in the data buffer.</summary>
    public long ByteLength => End - Begin;

    // Records compare arrays by reference; two entries read from the same header at different
    // times must still be equal, so the shape is compared element by element.
    public bool Equals(TensorEntry? other) =>
        other is not null
        && string.Equals(Name, other.Name, StringComparison.Ordinal)
        && DType == other.DType
        && Shape.AsSpan().SequenceEqual(other.Shape)
        && Begin == other.Begin
        && End == other.End;

    public override int GetHashCode() => HashCode.Combine(Name, DType, Shape.Length, Begin, End);

    public override string ToString() =>
        $"{Name} {DType.ToHeaderName()} {ShapeArithmetic.Format(Shape)} bytes [{Begin}, {End})";
}
