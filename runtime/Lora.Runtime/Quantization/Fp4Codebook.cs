using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>bitsandbytes' FP4 (sign bit + 3-bit magnitude code), as <c>dQuantizeFP4</c> and <c>dDequantizeFP4Tree</c> do it.</summary>
public sealed class Fp4Codebook : FourBitCodebook
{
    public static Fp4Codebook Instance { get; } = new();

    private Fp4Codebook() { }

    /// <summary>Magnitude of each 3-bit code in <c>dDequantizeFP4Tree</c> (the values 0, 0.0625, 8, 12, 4, 6, 2, 3 over 12).</summary>
    private static readonly float[] Magnitudes = [0.0f, 5.208333333e-03f, 0.66666667f, 1.0f, 0.33333333f, 0.5f, 0.16666667f, 0.25f];

    /// <summary><c>dQuantizeFP4</c>'s comparisons on |x|, ascending, and the 3-bit code of each interval between them.</summary>
    private static readonly float[] MagnitudeThresholds = [0.00260417f, 0.0859375f, 0.20833333f, 0.29166667f, 0.4166667f, 0.583333f, 0.8333333f];
    private static readonly byte[] CodeByInterval = [0b000, 0b001, 0b110, 0b111, 0b100, 0b101, 0b010, 0b011];

    private static readonly float[] Fp4Levels = Enumerable.Range(0, 16)
        .Select(code => ((code & 0b1000) != 0 ? -1.0f : 1.0f) * Magnitudes[code & 0b0111])
        .ToArray();

    /// <summary><c>get_4bit_type("fp4")</c>: [0, 0.0625, 8, 12, 4, 6, 2, 3, -0, ...] / 12 in float32 (its "-0" is an integer, so +0).</summary>
    private static readonly float[] Fp4QuantMap = new float[] { 0, 0.0625f, 8, 12, 4, 6, 2, 3, 0, -0.0625f, -8, -12, -4, -6, -2, -3 }
        .Select(v => v / 12.0f)
        .ToArray();

    public override QuantType Type => QuantType.FP4;
    public override string Name => "fp4";
    public override IReadOnlyList<float> Levels => Fp4Levels;
    public override IReadOnlyList<float> QuantMap => Fp4QuantMap;

    public override Tensor Encode(Tensor normalized)
    {
        using var scope = NewDisposeScope();
        var device = normalized.device;
        var thresholds = tensor(MagnitudeThresholds, ScalarType.Float32, device: device);
        var codeByInterval = tensor(CodeByInterval, ScalarType.Byte, device: device);
        // NaN: "x < 0" is false and |x| fails every comparison, so the kernel returns code 0.
        var x = normalized.nan_to_num(nan: 0.0).flatten();
        var interval = bucketize(x.abs(), thresholds, outInt32: true);
        var magnitude = codeByInterval.index_select(0, interval);
        var sign = x.lt(0).to_type(ScalarType.Byte).mul(8);
        return magnitude.add(sign).view(normalized.shape).MoveToOuterDisposeScope();
    }
}
