using Lora.Runtime.Native;
using Lora.Runtime.Safetensors;
using static TorchSharp.torch;

namespace Lora.Runtime.Tensors;

/// <summary>Moves tensors between safetensors files and TorchSharp, one tensor at a time.</summary>
public static class TensorFiles
{
    public static ScalarType ToScalarType(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool => ScalarType.Bool,
        SafetensorsDType.U8 => ScalarType.Byte,
        SafetensorsDType.I8 => ScalarType.Int8,
        SafetensorsDType.I16 => ScalarType.Int16,
        SafetensorsDType.I32 => ScalarType.Int32,
        SafetensorsDType.I64 => ScalarType.Int64,
        SafetensorsDType.F16 => ScalarType.Float16,
        SafetensorsDType.BF16 => ScalarType.BFloat16,
        SafetensorsDType.F32 => ScalarType.Float32,
        SafetensorsDType.F64 => ScalarType.Float64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "no TorchSharp type for this safetensors dtype"),
    };

    public static SafetensorsDType ToSafetensors(this ScalarType dtype) => dtype switch
    {
        ScalarType.Bool => SafetensorsDType.Bool,
        ScalarType.Byte => SafetensorsDType.U8,
        ScalarType.Int8 => SafetensorsDType.I8,
        ScalarType.Int16 => SafetensorsDType.I16,
        ScalarType.Int32 => SafetensorsDType.I32,
        ScalarType.Int64 => SafetensorsDType.I64,
        ScalarType.Float16 => SafetensorsDType.F16,
        ScalarType.BFloat16 => SafetensorsDType.BF16,
        ScalarType.Float32 => SafetensorsDType.F32,
        ScalarType.Float64 => SafetensorsDType.F64,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "safetensors has no dtype for this tensor type"),
    };

    /// <summary>A CPU tensor holding a copy of one entry; the mapped file is the only other copy.</summary>
    public static Tensor Read(SafetensorsFile file, TensorEntry entry)
    {
        TorchNative.EnsureLoaded();
        var tensor = empty(entry.Shape, entry.DType.ToScalarType());
        if (entry.ByteLength > 0) file.CopyTo(entry, tensor.bytes);
        return tensor;
    }

    public static Tensor Read(TensorLocation location) => Read(location.File, location.Entry);

    /// <summary>Every tensor of one file by name (for small files: adapters, fixtures).</summary>
    public static Dictionary<string, Tensor> ReadAll(string path)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Entries.ToDictionary(e => e.Name, e => Read(file, e));
    }

    /// <summary>Writes tensors atomically (temporary file, then rename), each copied to the CPU as it is written.</summary>
    public static void Write(string path, IEnumerable<(string Name, Tensor Value)> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var items = tensors.Select(t => TensorToWrite.FromCallback(t.Name, t.Value.dtype.ToSafetensors(), t.Value.shape, stream =>
        {
            using var cpu = t.Value.detach().cpu().contiguous();
            stream.Write(cpu.bytes);
        })).ToList();
        SafetensorsWriter.Write(path, items, metadata);
    }
}
