using System.Buffers.Binary;

namespace Lora.Runtime.Safetensors;

/// <summary>
/// The parsed and validated header of a safetensors file: 8-byte little-endian length N, N bytes of
/// JSON, then the data buffer that the entries' offsets point into.
/// </summary>
public sealed class SafetensorsHeader
{
    /// <summary>Size of the length prefix.</summary>
    public const int LengthPrefixSize = 8;

    /// <summary>The largest header accepted, the same limit as huggingface/safetensors; checked before anything is allocated.</summary>
    public const long MaxHeaderLength = 100_000_000;

    private SafetensorsHeader(string filePath, long headerLength, long dataLength, IReadOnlyDictionary<string, string> metadata, IReadOnlyList<TensorEntry> entries)
    {
        FilePath = filePath;
        HeaderLength = headerLength;
        DataLength = dataLength;
        Metadata = metadata;
        Entries = entries;
    }

    /// <summary>The file the header came from, as given; used in every message.</summary>
    public string FilePath { get; }

    /// <summary>N, the JSON length including trailing padding.</summary>
    public long HeaderLength { get; }

    /// <summary>Offset of the data buffer from the start of the file.</summary>
    public long DataStart => LengthPrefixSize + HeaderLength;

    /// <summary>Bytes after the header.</summary>
    public long DataLength { get; }

    /// <summary>The "__metadata__" map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The tensors in the order their bytes appear in the file.</summary>
    public IReadOnlyList<TensorEntry> Entries { get; }

    /// <summary>Reads N from the first bytes of a file of <paramref name="fileLength"/> bytes and checks it fits.</summary>
    /// <param name="filePath">The file, for messages.</param>
    /// <param name="prefix">The first bytes of the file (at least 8 unless the file is shorter).</param>
    /// <param name="fileLength">Length of the whole file.</param>
    public static long ReadHeaderLength(string filePath, ReadOnlySpan<byte> prefix, long fileLength)
    {
        if (fileLength < LengthPrefixSize)
        {
            throw new SafetensorsFormatException(filePath, null,
                $"the file is {fileLength} bytes, shorter than the {LengthPrefixSize}-byte header length that starts every safetensors file");
        }

        if (prefix.Length < LengthPrefixSize)
        {
            throw new ArgumentException($"Pass the first {LengthPrefixSize} bytes of the file, not {prefix.Length}.", nameof(prefix));
        }

        var length = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (length > MaxHeaderLength)
        {
            throw new SafetensorsFormatException(filePath, null,
                $"the header length prefix says {length} bytes, more than the {MaxHeaderLength}-byte limit; this is not a safetensors file or its first bytes are damaged");
        }

        var available = fileLength - LengthPrefixSize;
        if ((long)length > available)
        {
            throw new SafetensorsFormatException(filePath, null,
                $"the header length prefix says {length} bytes but only {available} bytes follow it; the file is truncated or not a safetensors file");
        }

        return (long)length;
    }

    /// <summary>Parses and validates the header JSON (the N bytes after the prefix) against a data buffer of <paramref name="dataLength"/> bytes.</summary>
    public static SafetensorsHeader Parse(string filePath, ReadOnlySpan<byte> headerJson, long dataLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(dataLength);
        var (entries, metadata) = SafetensorsHeaderJson.Read(filePath, headerJson);
        var ordered = SafetensorsDataLayout.Check(filePath, entries, headerJson.Length, dataLength);
        return new SafetensorsHeader(filePath, headerJson.Length, dataLength, metadata, ordered);
    }

    /// <summary>Reads and validates the header of a whole safetensors file held in a seekable stream positioned at its start.</summary>
    public static SafetensorsHeader Read(string filePath, Stream stream)
    {
        if (!stream.CanSeek)
        {
            throw new ArgumentException("The stream must be seekable: its length is checked against the header.", nameof(stream));
        }

        var fileLength = stream.Length - stream.Position;
        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        var prefixRead = (int)Math.Min(fileLength, LengthPrefixSize);
        stream.ReadExactly(prefix[..prefixRead]);
        var headerLength = ReadHeaderLength(filePath, prefix[..prefixRead], fileLength);

        // Allocated only now that the length is known to be under the limit and inside the file.
        var json = new byte[headerLength];
        stream.ReadExactly(json);
        return Parse(filePath, json, fileLength - LengthPrefixSize - headerLength);
    }
}
