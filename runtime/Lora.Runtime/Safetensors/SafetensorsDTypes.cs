namespace Lora.Runtime.Safetensors;

/// <summary>Element sizes and header spellings of <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypes
{
    /// <summary>Every supported dtype, in the order error messages list them.</summary>
    public static IReadOnlyList<SafetensorsDType> All { get; } =
    [
        SafetensorsDType.F32, SafetensorsDType.F16, SafetensorsDType.BF16, SafetensorsDType.F64,
        SafetensorsDType.I64, SafetensorsDType.I32, SafetensorsDType.I16, SafetensorsDType.U8,
        SafetensorsDType.I8, SafetensorsDType.Bool,
    ];

    // Dtypes that huggingface/safetensors defines but this SDK does not load: naming them apart from
    // typos lets the error say "not supported" instead of "unknown".
    private static readonly HashSet<string> KnownButUnsupported = new(StringComparer.Ordinal)
    {
        "U16", "U32", "U64", "C64", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4",
    };

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool or SafetensorsDType.U8 or SafetensorsDType.I8 => 1,
        SafetensorsDType.I16 or SafetensorsDType.F16 or SafetensorsDType.BF16 => 2,
        SafetensorsDType.I32 or SafetensorsDType.F32 => 4,
        SafetensorsDType.I64 or SafetensorsDType.F64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>The spelling used in the header's "dtype" field, e.g. "BF16".</summary>
    public static string ToHeaderName(this SafetensorsDType dtype) => dtype switch
    {
        SafetensorsDType.Bool => "BOOL",
        SafetensorsDType.U8 => "U8",
        SafetensorsDType.I8 => "I8",
        SafetensorsDType.I16 => "I16",
        SafetensorsDType.I32 => "I32",
        SafetensorsDType.I64 => "I64",
        SafetensorsDType.F16 => "F16",
        SafetensorsDType.BF16 => "BF16",
        SafetensorsDType.F32 => "F32",
        SafetensorsDType.F64 => "F64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>Parses a header spelling; case-sensitive, as the reference reader is.</summary>
    public static bool TryParse(string? headerName, out SafetensorsDType dtype)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.ToHeaderName(), headerName, StringComparison.Ordinal))
            {
                dtype = candidate;
                return true;
            }
        }

        dtype = default;
        return false;
    }

    /// <summary>Explains why <paramref name="headerName"/> did not parse, for error messages.</summary>
    internal static string DescribeUnsupported(string headerName)
    {
        var supported = string.Join(", ", All.Select(d => d.ToHeaderName()));
        return KnownButUnsupported.Contains(headerName)
            ? $"dtype '{headerName}' is a safetensors dtype that Lora.Sdk does not support (supported: {supported})"
            : $"unknown dtype '{headerName}' (expected one of {supported}; dtype names are case-sensitive)";
    }
}
