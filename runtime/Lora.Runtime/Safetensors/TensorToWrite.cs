namespace Lora.Runtime.Safetensors;

/// <summary>One tensor for <see cref="SafetensorsWriter"/>: its header fields and where its bytes come from.</summary>
public sealed class TensorToWrite
{
    private TensorToWrite(string name, SafetensorsDType dtype, long[] shape, ReadOnlyMemory<byte> bytes, Action<Stream>? writeBytes)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        if (name == SafetensorsHeaderJson.MetadataKey)
        {
            throw new ArgumentException($"\"{name}\" is reserved for the file's metadata and cannot name a tensor.", nameof(name));
        }

        var negative = Array.FindIndex(shape, d => d < 0);
        if (negative >= 0)
        {
            throw new ArgumentException($"Tensor '{name}': shape {ShapeArithmetic.Format(shape)} has a negative dimension at index {negative}.", nameof(shape));
        }

        Name = name;
        DType = dtype;
        Shape = (long[])shape.Clone();
        ByteLength = ShapeArithmetic.TryByteLength(shape, dtype)
            ?? throw new ArgumentException($"Tensor '{name}': shape {ShapeArithmetic.Format(shape)} of {dtype.ToHeaderName()} is larger than a 64-bit byte count.", nameof(shape));
        Bytes = bytes;
        WriteBytes = writeBytes;
    }

    /// <summary>The header key.</summary>
    public string Name { get; }

    /// <summary>The element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>Dimensions, outermost first (a copy of what was passed in).</summary>
    public long[] Shape { get; }

    /// <summary>Bytes the shape and dtype call for.</summary>
    public long ByteLength { get; }

    internal ReadOnlyMemory<byte> Bytes { get; }

    internal Action<Stream>? WriteBytes { get; }

    /// <summary>A tensor whose bytes are already in memory (little-endian, row-major).</summary>
    public static TensorToWrite FromBytes(string name, SafetensorsDType dtype, long[] shape, ReadOnlyMemory<byte> bytes)
    {
        var tensor = new TensorToWrite(name, dtype, shape, bytes, writeBytes: null);
        if (bytes.Length != tensor.ByteLength)
        {
            throw new ArgumentException(
                $"Tensor '{name}': shape {ShapeArithmetic.Format(shape)} of {dtype.ToHeaderName()} needs {tensor.ByteLength} bytes but {bytes.Length} were given.",
                nameof(bytes));
        }

        return tensor;
    }

    /// <summary>
    /// A tensor whose bytes <paramref name="writeBytes"/> writes when the file is written, so that a
    /// large tensor (e.g. copied out of device memory) need not be staged whole. The callback must
    /// write exactly <see cref="ByteLength"/> bytes.
    /// </summary>
    public static TensorToWrite FromCallback(string name, SafetensorsDType dtype, long[] shape, Action<Stream> writeBytes)
    {
        ArgumentNullException.ThrowIfNull(writeBytes);
        return new TensorToWrite(name, dtype, shape, ReadOnlyMemory<byte>.Empty, writeBytes);
    }
}
