using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Lora.Runtime.Safetensors;

/// <summary>
/// Writes safetensors files: tensors in the order given, contiguous from offset 0, and the header JSON
/// padded with spaces to a multiple of 8 bytes so the data buffer starts 8-byte aligned (as the
/// Python and Rust writers do).
/// </summary>
public static class SafetensorsWriter
{
    private const int FileBufferSize = 1 << 20;

    // Keeps non-ASCII names readable in the header, as the Rust writer does; the header is never
    // embedded in HTML, which is all the stricter default encoder guards against.
    private static readonly JsonWriterOptions HeaderJsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Writes <paramref name="path"/> atomically: the content goes to a temporary file in the same
    /// folder, is flushed to disk and then renamed over <paramref name="path"/>. On any failure the
    /// temporary file is deleted and an existing file at <paramref name="path"/> is left as it was.
    /// </summary>
    public static void Write(string path, IReadOnlyList<TensorToWrite> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var fullPath = Path.GetFullPath(path);

        // Everything that can be checked up front is checked before a byte touches the disk.
        var header = BuildHeader(fullPath, tensors, metadata);
        var folder = Path.GetDirectoryName(fullPath)!;
        var tempPath = Path.Combine(folder, $"{Path.GetFileName(fullPath)}.tmp-{Convert.ToHexString(RandomNumberGenerator.GetBytes(6)).ToLowerInvariant()}");
        try
        {
            using (var file = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileBufferSize))
            {
                WriteContent(fullPath, file, header, tensors);
                // Flushed to the device before the rename: after a crash the name points either at
                // the old file or at the complete new one, never at a half-written one.
                file.Flush(flushToDisk: true);
            }

            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    /// <summary>Writes the file content to <paramref name="destination"/> (not atomic; for in-memory use and streams the caller manages).</summary>
    public static void Write(Stream destination, IReadOnlyList<TensorToWrite> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        const string description = "the stream";
        var header = BuildHeader(description, tensors, metadata);
        WriteContent(description, destination, header, tensors);
        destination.Flush();
    }

    private static void WriteContent(string target, Stream output, byte[] header, IReadOnlyList<TensorToWrite> tensors)
    {
        Span<byte> prefix = stackalloc byte[SafetensorsHeader.LengthPrefixSize];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        output.Write(prefix);
        output.Write(header);
        foreach (var tensor in tensors)
        {
            if (tensor.WriteBytes is null)
            {
                output.Write(tensor.Bytes.Span);
                continue;
            }

            var window = new ExactLengthStream(output, tensor.Name, tensor.ByteLength);
            tensor.WriteBytes(window);
            if (window.Written != tensor.ByteLength)
            {
                throw new InvalidOperationException(
                    $"Cannot write {target}: the callback for tensor '{tensor.Name}' wrote {window.Written} bytes but shape {ShapeArithmetic.Format(tensor.Shape)} of {tensor.DType.ToHeaderName()} needs {tensor.ByteLength}.");
            }
        }
    }

    /// <summary>The header JSON with its padding; validates names and metadata.</summary>
    internal static byte[] BuildHeader(string target, IReadOnlyList<TensorToWrite> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var firstIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tensors.Count; i++)
        {
            var tensor = tensors[i] ?? throw new ArgumentException($"Cannot write {target}: tensor {i} is null.", nameof(tensors));
            if (!firstIndex.TryAdd(tensor.Name, i))
            {
                throw new ArgumentException(
                    $"Cannot write {target}: tensor name '{tensor.Name}' appears twice (positions {firstIndex[tensor.Name]} and {i}); names must be unique.",
                    nameof(tensors));
            }
        }

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, HeaderJsonOptions))
        {
            json.WriteStartObject();
            WriteMetadata(target, json, metadata);
            long offset = 0;
            foreach (var tensor in tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", tensor.DType.ToHeaderName());
                json.WriteStartArray("shape");
                foreach (var dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }

                json.WriteEndArray();
                var end = checked(offset + tensor.ByteLength);
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        var padding = (int)((SafetensorsHeader.LengthPrefixSize - buffer.Length % SafetensorsHeader.LengthPrefixSize) % SafetensorsHeader.LengthPrefixSize);
        for (var i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }

        if (buffer.Length > SafetensorsHeader.MaxHeaderLength)
        {
            throw new ArgumentException(
                $"Cannot write {target}: the header would be {buffer.Length} bytes, more than the {SafetensorsHeader.MaxHeaderLength}-byte limit that readers enforce.",
                nameof(tensors));
        }

        return buffer.ToArray();
    }

    private static void WriteMetadata(string target, Utf8JsonWriter json, IReadOnlyDictionary<string, string>? metadata)
    {
        if (metadata is null || metadata.Count == 0)
        {
            return;
        }

        json.WriteStartObject(SafetensorsHeaderJson.MetadataKey);
        // Sorted so that the same inputs always give the same bytes.
        foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (value is null)
            {
                throw new ArgumentException($"Cannot write {target}: metadata '{key}' is null; metadata values are strings.", nameof(metadata));
            }

            json.WriteString(key, value);
        }

        json.WriteEndObject();
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // The original failure is the one worth reporting; a leftover temp file is named so that
            // it is recognisable.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }
}
