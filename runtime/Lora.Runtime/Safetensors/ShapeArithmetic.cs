namespace Lora.Runtime.Safetensors;

/// <summary>Overflow-checked sizes of shapes, shared by the reader and the writer.</summary>
internal static class ShapeArithmetic
{
    /// <summary>Product of the dimensions (negative ones refused); a checked product so that huge dimensions cannot wrap around to a small, plausible size.</summary>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var dimension in shape)
        {
            if (dimension < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(shape), dimension, $"Shape {Format(shape.ToArray())} has a negative dimension.");
            }

            count = checked(count * dimension);
        }

        return count;
    }

    /// <summary>Bytes of a tensor with non-negative dimensions, or null when the count does not fit in a 64-bit signed integer.</summary>
    public static long? TryByteLength(ReadOnlySpan<long> shape, SafetensorsDType dtype)
    {
        try
        {
            return checked(ElementCount(shape) * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    /// <summary>"[64, 192]", the way messages print shapes.</summary>
    public static string Format(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
}
