using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// The 16 values of a 4-bit data type and the rule that picks a code for a value scaled into [-1, 1];
/// both exactly as bitsandbytes' CUDA kernels have them (<c>dQuantizeNF4</c>/<c>dQuantizeFP4</c> and
/// the matching dequantization tables).
/// </summary>
public abstract class FourBitCodebook
{
    private readonly Dictionary<string, Tensor> _pairTables = new(StringComparer.Ordinal);

    /// <summary>The 4-bit types (Lora.QuantType also names Int8, which is not one).</summary>
    public static readonly IReadOnlyList<QuantType> Types = [QuantType.NF4, QuantType.FP4];

    public static FourBitCodebook For(QuantType type) => type switch
    {
        QuantType.NF4 => Nf4Codebook.Instance,
        QuantType.FP4 => Fp4Codebook.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "not a 4-bit quantization type"),
    };

    public abstract QuantType Type { get; }

    /// <summary>bitsandbytes' name of the type: "nf4" or "fp4" (the suffix of the quant-state key).</summary>
    public abstract string Name { get; }

    /// <summary>The value each code dequantizes to, before scaling by the block's absmax; index = code.</summary>
    public abstract IReadOnlyList<float> Levels { get; }

    /// <summary>
    /// What bitsandbytes stores as <c>quant_map</c> (<c>get_4bit_type(name)</c>). For NF4 it equals
    /// <see cref="Levels"/>; for FP4 it differs from the kernel's dequantization constants in the last bits.
    /// </summary>
    public abstract IReadOnlyList<float> QuantMap { get; }

    /// <summary>Codes for values already divided by their block's absmax: float32 [n] → uint8 [n].</summary>
    /// <remarks>NaN (a block whose absmax is 0) gets the code the CUDA kernel gives it; it dequantizes to 0.</remarks>
    public abstract Tensor Encode(Tensor normalized);

    /// <summary>
    /// float32 [256, 2] on <paramref name="device"/>: row b holds the levels of byte b's high and low nibble,
    /// so one index_select turns packed bytes into values in storage order. Built once per device.
    /// </summary>
    internal Tensor PairTable(Device device)
    {
        var key = device.ToString();
        lock (_pairTables)
        {
            if (_pairTables.TryGetValue(key, out var table)) return table;
            var pairs = new float[256 * 2];
            for (var b = 0; b < 256; b++)
            {
                pairs[2 * b] = Levels[b >> 4];
                pairs[2 * b + 1] = Levels[b & 0x0F];
            }

            table = tensor(pairs, [256, 2], ScalarType.Float32, device: device);
            table.DetachFromDisposeScope();
            _pairTables[key] = table;
            return table;
        }
    }
}
