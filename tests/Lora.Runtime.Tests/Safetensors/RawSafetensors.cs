using System.Buffers.Binary;
using System.Text;
using Lora.Runtime.Safetensors;

namespace Lora.Runtime.Tests.Safetensors;

/// <summary>Builds safetensors bytes by hand, including the broken ones no writer would produce.</summary>
internal static class RawSafetensors
{
    /// <summary>Prefix + header JSON (as UTF-8, unpadded) + <paramref name="dataLength"/> data bytes.</summary>
    public static byte[] Build(string headerJson, long dataLength) => Build(Encoding.UTF8.GetBytes(headerJson), dataLength);

    public static byte[] Build(byte[] header, long dataLength)
    {
        var data = new byte[dataLength];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(i * 7 + 3);
        }

        return [.. Prefix((ulong)header.Length), .. header, .. data];
    }

    /// <summary>A length prefix claiming <paramref name="headerLength"/>, followed by <paramref name="rest"/>.</summary>
    public static byte[] WithPrefix(ulong headerLength, byte[] rest) => [.. Prefix(headerLength), .. rest];

    public static byte[] Prefix(ulong headerLength)
    {
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, headerLength);
        return prefix;
    }

    /// <summary>Deterministic pseudo-random bytes: every bit pattern, NaN payloads and subnormals included.</summary>
    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A tensor of <paramref name="dtype"/> and <paramref name="shape"/> filled with random bytes.</summary>
    public static TensorToWrite RandomTensor(string name, SafetensorsDType dtype, long[] shape, int seed)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        return TensorToWrite.FromBytes(name, dtype, shape, RandomBytes((int)(count * dtype.ElementSize()), seed));
    }
}
