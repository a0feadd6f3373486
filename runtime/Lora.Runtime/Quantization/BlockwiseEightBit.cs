using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// bitsandbytes' blockwise 8-bit codec (<c>quantize_blockwise</c> / <c>dequantize_blockwise</c>): per block the absmax in
/// float32, per value the uint8 index of the nearest entry of a dynamic map of value/absmax. Used by double quantization
/// (the absmax values of a 4-bit weight) and by the 8-bit AdamW moments.
/// </summary>
internal static class BlockwiseEightBit
{
    /// <summary>float32 values [n] → (uint8 codes [n], float32 absmax [ceil(n / blocksize)]). No host synchronization.</summary>
    public static (Tensor Codes, Tensor Absmax) Encode(Tensor values, Tensor map, int blocksize)
    {
        using var scope = NewDisposeScope();
        var n = values.shape[0];
        var blocks = Blockwise.ToBlocks(values, blocksize);                  // [blocks, blocksize]
        var absmax = Blockwise.Absmax(blocks);                               // [blocks]
        // An all-zero block normalises to NaN, which the encoder maps to the code of 0.
        var codes = DynamicQuantMap.Encode(Blockwise.Normalize(blocks, absmax), map).view(-1).narrow(0, 0, n).contiguous();
        return (codes.MoveToOuterDisposeScope(), absmax.MoveToOuterDisposeScope());
    }

    /// <summary>uint8 codes [n] → float32 values [n]: map[code] · absmax of its block.</summary>
    public static Tensor Decode(Tensor codes, Tensor map, Tensor absmax, int blocksize)
    {
        using var scope = NewDisposeScope();
        var values = map.index_select(0, codes.reshape(-1).to_type(ScalarType.Int32));   // [n]
        Blockwise.ScaleInPlace(values, absmax, blocksize);
        return values.MoveToOuterDisposeScope();
    }
}
