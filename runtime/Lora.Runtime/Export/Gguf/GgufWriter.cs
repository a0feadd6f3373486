using System.Text;

namespace Lora.Runtime.Export.Gguf;

/// <summary>
/// Writes a GGUF v3 file (ggml's docs/gguf.md): "GGUF", version 3, tensor and key counts (u64), the key/value pairs, the
/// tensor infos (name, dimensions, type, offset into the data section), padding to <c>general.alignment</c>, then each
/// tensor's bytes at its offset, each offset a multiple of the alignment. Little-endian throughout.
/// </summary>
public static class GgufWriter
{
    public const uint Magic = 0x46554747;   // "GGUF" read as a little-endian u32
    public const uint Version = 3;
    public const uint DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";

    public static void Write(Stream stream, GgufMetadata metadata, IReadOnlyList<GgufTensor> tensors)
    {
        uint alignment = metadata.Entries.FirstOrDefault(e => e.Key == AlignmentKey).Value is { Value: uint a } ? a : DefaultAlignment;
        var duplicate = tensors.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOperationException($"GGUF tensor '{duplicate.Key}' is written twice.");
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(Version);
        w.Write((ulong)tensors.Count);
        w.Write((ulong)metadata.Entries.Count);
        foreach (var (key, value) in metadata.Entries)
        {
            WriteString(w, key);
            w.Write((uint)value.Type);
            WriteValue(w, value);
        }
        ulong offset = 0;
        var offsets = new List<ulong>(tensors.Count);
        foreach (var tensor in tensors)
        {
            WriteString(w, tensor.Name);
            w.Write((uint)tensor.Dimensions.Count);
            foreach (var d in tensor.Dimensions) w.Write((ulong)d);
            w.Write((uint)tensor.Type);
            w.Write(offset);
            offsets.Add(offset);
            offset = Align(offset + (ulong)tensor.ByteSize, alignment);
        }
        w.Flush();
        Pad(w, (ulong)stream.Position, alignment);
        long dataStart = stream.Position;
        for (int i = 0; i < tensors.Count; i++)
        {
            Pad(w, (ulong)(stream.Position - dataStart), alignment);
            var bytes = tensors[i].Data();
            if (bytes.LongLength != tensors[i].ByteSize)
                throw new InvalidOperationException($"GGUF tensor '{tensors[i].Name}' has {bytes.LongLength} bytes; its type and dimensions say {tensors[i].ByteSize}.");
            w.Write(bytes);
        }
        w.Flush();
    }

    static ulong Align(ulong offset, uint alignment) => (offset + alignment - 1) / alignment * alignment;

    static void Pad(BinaryWriter w, ulong position, uint alignment)
    {
        for (ulong p = position; p < Align(position, alignment); p++) w.Write((byte)0);
    }

    static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }

    static void WriteValue(BinaryWriter w, GgufValue value)
    {
        if (value.Type != GgufValueType.Array)
        {
            WriteScalar(w, value.Type, value.Value);
            return;
        }
        w.Write((uint)value.ElementType);
        var items = ((System.Collections.IEnumerable)value.Value).Cast<object>().ToList();
        w.Write((ulong)items.Count);
        foreach (var item in items) WriteScalar(w, value.ElementType, item);
    }

    static void WriteScalar(BinaryWriter w, GgufValueType type, object v)
    {
        switch (type)
        {
            case GgufValueType.UInt8: w.Write((byte)v); break;
            case GgufValueType.Int8: w.Write((sbyte)v); break;
            case GgufValueType.UInt16: w.Write((ushort)v); break;
            case GgufValueType.Int16: w.Write((short)v); break;
            case GgufValueType.UInt32: w.Write((uint)v); break;
            case GgufValueType.Int32: w.Write((int)v); break;
            case GgufValueType.Float32: w.Write((float)v); break;
            case GgufValueType.Bool: w.Write((bool)v ? (byte)1 : (byte)0); break;
            case GgufValueType.String: WriteString(w, (string)v); break;
            case GgufValueType.UInt64: w.Write((ulong)v); break;
            case GgufValueType.Int64: w.Write((long)v); break;
            case GgufValueType.Float64: w.Write((double)v); break;
            default: throw new InvalidOperationException($"GGUF value type {type} cannot be an array element here.");
        }
    }
}
