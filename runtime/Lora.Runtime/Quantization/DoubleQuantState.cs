using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// Double quantization of the per-block absmax values (bitsandbytes' <c>compress_statistics=True</c>):
/// their mean is subtracted as an offset and the rest is quantized blockwise (blocks of 256) with the
/// dynamic 8-bit map. This holds the second level's state; the 8-bit codes live in
/// <see cref="QuantizedWeight.Absmax"/>.
/// </summary>
public sealed class DoubleQuantState : IDisposable
{
    public const int DefaultBlocksize = 256;

    internal DoubleQuantState(Tensor nestedAbsmax, Tensor quantMap, Tensor offset, int blocksize)
    {
        NestedAbsmax = nestedAbsmax;
        QuantMap = quantMap;
        Offset = offset;
        Blocksize = blocksize;
    }

    /// <summary>float32 [ceil(blocks/256)]: absmax of each block of (absmax − offset).</summary>
    public Tensor NestedAbsmax { get; }

    /// <summary>float32 [256]: the 8-bit code book (<see cref="DynamicQuantMap"/> when quantized here; as stored when loaded).</summary>
    public Tensor QuantMap { get; }

    /// <summary>float32 0-dim tensor: the mean of the first-level absmax values (kept on the device, read only when saving).</summary>
    public Tensor Offset { get; }

    /// <summary>Absmax values per nested block (256).</summary>
    public int Blocksize { get; }

    /// <summary>absmax float32 [blocks] → (uint8 codes [blocks], state). No host synchronization.</summary>
    internal static (Tensor Codes, DoubleQuantState State) Quantize(Tensor absmax)
    {
        using var scope = NewDisposeScope();
        var offset = absmax.mean();                                           // []
        var map = DynamicQuantMap.ToTensor(absmax.device);                    // [256]
        var (codes, nestedAbsmax) = BlockwiseEightBit.Encode(absmax - offset, map, DefaultBlocksize);   // [blocks], [nested]
        var state = new DoubleQuantState(Keep(nestedAbsmax), Keep(map), Keep(offset), DefaultBlocksize);
        return (codes.MoveToOuterDisposeScope(), state);
    }

    /// <summary>uint8 codes [blocks] → float32 absmax [blocks]: map[code] · nested absmax + offset.</summary>
    public Tensor Dequantize(Tensor codes)
    {
        using var scope = NewDisposeScope();
        return BlockwiseEightBit.Decode(codes, QuantMap, NestedAbsmax, Blocksize).add_(Offset).MoveToOuterDisposeScope();
    }

    /// <summary>The same state on another device.</summary>
    public DoubleQuantState To(Device device) =>
        new(Keep(NestedAbsmax.to(device)), Keep(QuantMap.to(device)), Keep(Offset.to(device)), Blocksize);

    public void Dispose()
    {
        NestedAbsmax.Dispose();
        QuantMap.Dispose();
        Offset.Dispose();
    }

    /// <summary>Owned by this object from now on, not by whatever dispose scope is open.</summary>
    internal static Tensor Keep(Tensor t) => t.DetachFromDisposeScope();
}
