using Lora.Runtime.Native;
using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// bitsandbytes' signed dynamic 8-bit map (<c>create_dynamic_map(signed=True)</c>), the code book of its
/// blockwise 8-bit quantization and so of the double-quantized absmax values.
/// </summary>
/// <remarks>
/// Built the way bitsandbytes builds it, with the same float32 torch ops: for each decade i = 0..6,
/// the midpoints of <c>linspace(0.1, 1, 2^i + 1)</c> scaled by ±10^(i−6) (2·127 values), then 0 and 1,
/// sorted. 256 distinct values from about −0.993 to 1; index 127 is 0.
/// </remarks>
public static class DynamicQuantMap
{
    public const int Size = 256;
    private const int MaxExponentBits = 7;

    // Python's 10 ** (i - 6) for i = 0..6: the nearest doubles to these decimals (the last is the integer 1).
    private static readonly double[] DecadeScales = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0];

    private static readonly Lazy<float[]> SignedValues = new(BuildSigned);

    /// <summary>The 256 float32 values, ascending; the code of a value is its index.</summary>
    public static IReadOnlyList<float> Signed => SignedValues.Value;

    /// <summary>The map as a float32 [256] tensor on <paramref name="device"/> (a new tensor each call).</summary>
    public static Tensor ToTensor(Device device) => tensor(SignedValues.Value, ScalarType.Float32, device: device);

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

    private static float[] BuildSigned()
    {
        TorchNative.EnsureLoaded();
        using var scope = NewDisposeScope();
        var values = new List<float>(Size);
        for (var i = 0; i < MaxExponentBits; i++)
        {
            // signed: 7 non-sign bits, so decade i has 2^i fraction steps.
            var fractionItems = (1L << i) + 1;
            var boundaries = linspace(0.1, 1.0, fractionItems, dtype: ScalarType.Float32);   // [2^i + 1]
            var means = (boundaries.narrow(0, 0, fractionItems - 1) + boundaries.narrow(0, 1, fractionItems - 1)) / 2.0;
            values.AddRange((means * DecadeScales[i]).data<float>().ToArray());
            values.AddRange((means * -DecadeScales[i]).data<float>().ToArray());
        }

        values.Add(0.0f);
        values.Add(1.0f);
        if (values.Count != Size)
            throw new InvalidOperationException($"The dynamic map has {values.Count} values instead of {Size}.");
        values.Sort();
        return values.ToArray();
    }
}
