using Lora.Runtime.Native;
using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// bitsandbytes' dynamic 8-bit maps (<c>create_dynamic_map</c>): the signed one is the code book of its blockwise
/// 8-bit quantization (so of the double-quantized absmax values and of 8-bit AdamW's first moment), the unsigned
/// one that of 8-bit AdamW's second moment.
/// </summary>
/// <remarks>
/// Built the way bitsandbytes builds them, with the same float32 torch ops: for each decade i = 0..6, the
/// midpoints of <c>linspace(0.1, 1, k + 1)</c> scaled by 10^(i−6), with k = 2^i and both signs (signed), or
/// k = 2^(i+1) and one sign (unsigned); then 0 and 1, sorted. Signed: 256 values from about −0.993 to 1, index 127
/// is 0. Unsigned: 256 values from 0 to 1.
/// </remarks>
public static class DynamicQuantMap
{
    public const int Size = 256;
    private const int MaxExponentBits = 7;

    // Python's 10 ** (i - 6) for i = 0..6: the nearest doubles to these decimals (the last is the integer 1).
    private static readonly double[] DecadeScales = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0];

    private static readonly Lazy<float[]> SignedValues = new(() => Build(signed: true));
    private static readonly Lazy<float[]> UnsignedValues = new(() => Build(signed: false));

    /// <summary>The 256 float32 values of the signed map, ascending; the code of a value is its index.</summary>
    public static IReadOnlyList<float> Signed => SignedValues.Value;

    /// <summary>The 256 float32 values of the unsigned map, ascending.</summary>
    public static IReadOnlyList<float> Unsigned => UnsignedValues.Value;

    /// <summary>A map as a float32 [256] tensor on <paramref name="device"/> (a new tensor each call).</summary>
    public static Tensor ToTensor(Device device, bool signed = true) =>
        tensor(signed ? SignedValues.Value : UnsignedValues.Value, ScalarType.Float32, device: device);

    /// <summary>
    /// Index of the nearest map entry for values in [-1, 1]: float32 [..] → uint8 [..]. The decision points are
    /// the float32 midpoints (a + b)·0.5 of neighbouring entries, as in the kernel's <c>dQuantize</c>; a value
    /// exactly on a midpoint takes the lower entry. NaN (a block whose absmax is 0) is treated as 0.
    /// </summary>
    public static Tensor Encode(Tensor normalized, Tensor map)
    {
        using var scope = NewDisposeScope();
        var lower = map.narrow(0, 0, Size - 1);
        var upper = map.narrow(0, 1, Size - 1);
        var midpoints = (lower + upper).mul(0.5);                             // [255]
        var x = normalized.nan_to_num(nan: 0.0);
        return bucketize(x, midpoints, outInt32: true).to_type(ScalarType.Byte).MoveToOuterDisposeScope();
    }

    private static float[] Build(bool signed)
    {
        TorchNative.EnsureLoaded();
        using var scope = NewDisposeScope();
        var values = new List<float>(Size);
        for (var i = 0; i < MaxExponentBits; i++)
        {
            // Signed: 7 non-sign bits, so decade i has 2^i fraction steps; unsigned: 8 bits, twice as many.
            var fractionItems = (signed ? 1L << i : 1L << (i + 1)) + 1;
            var boundaries = linspace(0.1, 1.0, fractionItems, dtype: ScalarType.Float32);   // [2^i + 1]
            var means = (boundaries.narrow(0, 0, fractionItems - 1) + boundaries.narrow(0, 1, fractionItems - 1)) / 2.0;
            values.AddRange((means * DecadeScales[i]).data<float>().ToArray());
            if (signed) values.AddRange((means * -DecadeScales[i]).data<float>().ToArray());
        }

        values.Add(0.0f);
        values.Add(1.0f);
        if (values.Count != Size)
            throw new InvalidOperationException($"The dynamic map has {values.Count} values instead of {Size}.");
        values.Sort();
        return values.ToArray();
    }
}
