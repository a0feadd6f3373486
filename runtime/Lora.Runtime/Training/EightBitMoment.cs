using Lora.Runtime.Quantization;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>
/// One AdamW moment of one parameter stored as bitsandbytes' blockwise 8-bit optimizers store it: per block of
/// <see cref="Blocksize"/> values the absmax in float32, and per value the uint8 index of the nearest entry of the
/// dynamic map (signed for the first moment, unsigned for the second) of value/absmax. About 1.02 bytes per value
/// instead of 4. Owns its tensors.
/// </summary>
public sealed class EightBitMoment : IDisposable
{
    public const int Blocksize = 256;

    /// <summary>Parameters with fewer values keep float32 moments (bitsandbytes' <c>min_8bit_size</c>): their state is negligible.</summary>
    public const long MinimumSize = 4096;

    readonly Tensor _map;      // float32 [256]
    readonly long[] _shape;

    EightBitMoment(Tensor codes, Tensor absmax, Tensor map, long[] shape)
    {
        Codes = codes;
        Absmax = absmax;
        _map = map;
        _shape = shape;
    }

    /// <summary>uint8 [n]: the code of every value, row-major.</summary>
    public Tensor Codes { get; }

    /// <summary>float32 [ceil(n / 256)]: the scale of each block.</summary>
    public Tensor Absmax { get; }

    /// <summary>A zero moment shaped like <paramref name="parameter"/>, on its device.</summary>
    public static EightBitMoment Zeros(Tensor parameter, bool signed)
    {
        var map = DynamicQuantMap.ToTensor(parameter.device, signed).DetachFromDisposeScope();
        long n = parameter.NumberOfElements;
        var absmax = zeros(Blockwise.BlockCount(n, Blocksize), ScalarType.Float32, parameter.device).DetachFromDisposeScope();
        var moment = new EightBitMoment(empty(n, ScalarType.Byte, parameter.device).DetachFromDisposeScope(), absmax, map, parameter.shape.ToArray());
        using var scope = NewDisposeScope();
        moment.Store(zeros(parameter.shape, ScalarType.Float32, parameter.device));
        return moment;
    }

    /// <summary>The moment in float32, shaped like the parameter: map[code] · absmax of its block.</summary>
    public Tensor Load()
    {
        using var scope = NewDisposeScope();
        return BlockwiseEightBit.Decode(Codes, _map, Absmax, Blocksize).view(_shape).MoveToOuterDisposeScope();
    }

    /// <summary>Quantizes <paramref name="value"/> (float32, the parameter's shape) into this moment's storage, in place.</summary>
    public void Store(Tensor value)
    {
        using var scope = NewDisposeScope();
        var (codes, absmax) = BlockwiseEightBit.Encode(value.reshape(-1), _map, Blocksize);
        Codes.copy_(codes);
        Absmax.copy_(absmax);
    }

    /// <summary>Restores storage written by a checkpoint (codes and absmax as <see cref="Codes"/> and <see cref="Absmax"/>).</summary>
    public void Restore(Tensor codes, Tensor absmax)
    {
        Codes.copy_(codes);
        Absmax.copy_(absmax);
    }

    public void Dispose()
    {
        Codes.Dispose();
        Absmax.Dispose();
        _map.Dispose();
    }
}
