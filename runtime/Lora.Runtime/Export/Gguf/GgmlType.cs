namespace Lora.Runtime.Export.Gguf;

/// <summary>The tensor element types this writer produces, with ggml's numbers (ggml_type).</summary>
public enum GgmlType : uint
{
    F32 = 0,
    F16 = 1,
    Q8_0 = 8,
    BF16 = 30,
}

/// <summary>Sizes of ggml's element types and the <c>general.file_type</c> (llama_ftype) of a whole file.</summary>
public static class GgmlTypes
{
    /// <summary>Values in one Q8_0 block: 32 signed bytes share one fp16 scale.</summary>
    public const int Q8BlockSize = 32;

    /// <summary>Bytes a tensor of <paramref name="count"/> elements takes.</summary>
    public static long ByteSize(GgmlType type, long count) => type switch
    {
        GgmlType.F32 => 4 * count,
        GgmlType.F16 or GgmlType.BF16 => 2 * count,
        GgmlType.Q8_0 => count / Q8BlockSize * (2 + Q8BlockSize),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The matrices' type for an export type.</summary>
    public static GgmlType MatrixType(GgufType type) => type switch
    {
        GgufType.F32 => GgmlType.F32,
        GgufType.F16 => GgmlType.F16,
        GgufType.BF16 => GgmlType.BF16,
        GgufType.Q8_0 => GgmlType.Q8_0,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "a GGUF export needs F32, F16, BF16 or Q8_0"),
    };

    /// <summary>llama.cpp's llama_ftype for <c>general.file_type</c>: ALL_F32 0, MOSTLY_F16 1, MOSTLY_Q8_0 7, MOSTLY_BF16 32.</summary>
    public static uint FileType(GgufType type) => type switch
    {
        GgufType.F32 => 0,
        GgufType.F16 => 1,
        GgufType.Q8_0 => 7,
        GgufType.BF16 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The names the CLI and messages use: f32, f16, bf16, q8_0.</summary>
    public static string NameOf(GgufType type) => type switch
    {
        GgufType.F32 => "f32",
        GgufType.F16 => "f16",
        GgufType.BF16 => "bf16",
        GgufType.Q8_0 => "q8_0",
        _ => type.ToString(),
    };

    /// <summary>The export type named <paramref name="name"/> (f32, f16, bf16, q8_0), or null.</summary>
    public static GgufType? Parse(string name) => name.ToLowerInvariant() switch
    {
        "f32" => GgufType.F32,
        "f16" => GgufType.F16,
        "bf16" => GgufType.BF16,
        "q8_0" => GgufType.Q8_0,
        _ => null,
    };
}
