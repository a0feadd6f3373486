using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>PyTorch's dtype spellings without the "torch." prefix, as bitsandbytes and transformers write them.</summary>
internal static class TorchDTypeNames
{
    private static readonly (ScalarType Type, string Name)[] Names =
    [
        (ScalarType.Float32, "float32"), (ScalarType.Float16, "float16"), (ScalarType.BFloat16, "bfloat16"),
        (ScalarType.Float64, "float64"), (ScalarType.Byte, "uint8"), (ScalarType.Int8, "int8"),
    ];

    public static string NameOf(ScalarType type) =>
        Names.FirstOrDefault(n => n.Type == type).Name
        ?? throw new ArgumentOutOfRangeException(nameof(type), type, "no PyTorch dtype name for this type here");

    public static bool TryParse(string? name, out ScalarType type)
    {
        // Older writers kept the "torch." prefix; the aliases are PyTorch's own.
        var bare = name is not null && name.StartsWith("torch.", StringComparison.Ordinal) ? name["torch.".Length..] : name;
        bare = bare switch { "float" => "float32", "half" => "float16", "double" => "float64", _ => bare };
        foreach (var (candidate, candidateName) in Names)
        {
            if (candidateName == bare)
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }
}
