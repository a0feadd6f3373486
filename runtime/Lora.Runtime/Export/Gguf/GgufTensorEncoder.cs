using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Lora.Runtime.Export.Gguf;

/// <summary>Turns a tensor's values into a ggml element type's bytes (little-endian).</summary>
public static class GgufTensorEncoder
{
    /// <summary>
    /// The type a tensor of <paramref name="shape"/> (PyTorch order) is written in: vectors (norms, biases, rope factors) in
    /// F32 as llama.cpp's converter keeps them; Q8_0 only for matrices whose rows (the innermost dimension) split into whole
    /// blocks of 32, else F16.
    /// </summary>
    public static GgmlType TypeFor(IReadOnlyList<long> shape, GgufType export)
    {
        if (shape.Count < 2) return GgmlType.F32;
        var type = GgmlTypes.MatrixType(export);
        return type == GgmlType.Q8_0 && shape[^1] % GgmlTypes.Q8BlockSize != 0 ? GgmlType.F16 : type;
    }

    /// <summary>The bytes of <paramref name="tensor"/> (any float dtype, any device) as <paramref name="type"/>.</summary>
    public static byte[] Encode(Tensor tensor, GgmlType type)
    {
        using var scope = NewDisposeScope();
        var cpu = tensor.detach().cpu();
        return type switch
        {
            GgmlType.F32 => Bytes(cpu.to_type(ScalarType.Float32)),
            GgmlType.F16 => Bytes(cpu.to_type(ScalarType.Float16)),
            GgmlType.BF16 => Bytes(cpu.to_type(ScalarType.BFloat16)),
            GgmlType.Q8_0 => Q8(cpu.to_type(ScalarType.Float32).contiguous().data<float>().ToArray()),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
        };
    }

    static byte[] Bytes(Tensor t) => t.contiguous().bytes.ToArray();

    /// <summary>
    /// ggml's reference Q8_0 (quantize_row_q8_0_ref): per block of 32, d = max|x| / 127 stored as fp16, q = round(x / d)
    /// (half away from zero) as int8. Block layout: 2 bytes of d, then 32 bytes of q.
    /// </summary>
    public static byte[] Q8(ReadOnlySpan<float> values)
    {
        const int n = GgmlTypes.Q8BlockSize;
        if (values.Length % n != 0) throw new ArgumentException($"Q8_0 needs a multiple of {n} values; got {values.Length}.", nameof(values));
        var bytes = new byte[values.Length / n * (2 + n)];
        for (int b = 0; b < values.Length / n; b++)
        {
            var block = values.Slice(b * n, n);
            float amax = 0;
            foreach (var x in block) amax = Math.Max(amax, Math.Abs(x));
            float d = amax / 127f, id = d != 0 ? 1f / d : 0f;
            int at = b * (2 + n);
            MemoryMarshal.Write(bytes.AsSpan(at, 2), (Half)d);
            for (int j = 0; j < n; j++) bytes[at + 2 + j] = (byte)(sbyte)MathF.Round(block[j] * id, MidpointRounding.AwayFromZero);
        }
        return bytes;
    }
}
