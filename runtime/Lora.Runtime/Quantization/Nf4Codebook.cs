using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>4-bit NormalFloat: bitsandbytes' 16 NF4 levels and the decision tree of its CUDA kernel.</summary>
public sealed class Nf4Codebook : FourBitCodebook
{
    public static Nf4Codebook Instance { get; } = new();

    private Nf4Codebook() { }

    /// <summary>bitsandbytes <c>get_4bit_type("nf4")</c>, the same float32 values as the kernel's table.</summary>
    private static readonly float[] Nf4Levels =
    [
        -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
        -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
        0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
        0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f,
    ];

    /// <summary>
    /// The comparisons of <c>dQuantizeNF4</c> (midpoints of adjacent levels), ascending. The tree is a binary
    /// search with <c>x &gt; t</c> at every node, so its code is the number of thresholds below x.
    /// </summary>
    internal static readonly float[] Thresholds =
    [
        -0.8480964004993439f, -0.6106329262256622f, -0.4599952697753906f, -0.33967943489551544f,
        -0.23460740596055984f, -0.13791173323988914f, -0.045525018125772476f, 0.03979014977812767f,
        0.1202552504837513f, 0.2035212516784668f, 0.2920137718319893f, 0.3893125355243683f,
        0.5016634166240692f, 0.6427869200706482f, 0.8614784181118011f,
    ];

    public override QuantType Type => QuantType.NF4;
    public override string Name => "nf4";
    public override IReadOnlyList<float> Levels => Nf4Levels;
    public override IReadOnlyList<float> QuantMap => Nf4Levels;

    public override Tensor Encode(Tensor normalized)
    {
        using var scope = NewDisposeScope();
        var thresholds = tensor(Thresholds, ScalarType.Float32, device: normalized.device);
        // bucketize (right = false) counts the thresholds strictly below x, as the tree does; NaN fails
        // every comparison in the tree (code 0), so it is mapped below the lowest threshold first.
        var x = normalized.nan_to_num(nan: -2.0);
        return bucketize(x, thresholds, outInt32: true).to_type(ScalarType.Byte).MoveToOuterDisposeScope();
    }
}
