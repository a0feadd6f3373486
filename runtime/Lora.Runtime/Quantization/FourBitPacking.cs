using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>Two 4-bit codes per byte, the first (lower index) in the high nibble: bitsandbytes' packing.</summary>
public static class FourBitPacking
{
    /// <summary>uint8 codes [m] (m ≥ 2·ceil(n/2)) → uint8 [ceil(n/2), 1]; an odd n pairs the last code with codes[n].</summary>
    public static Tensor Pack(Tensor codes, long n)
    {
        using var scope = NewDisposeScope();
        var pairs = codes.narrow(0, 0, PackedLength(n) * 2).view(-1, 2);    // [ceil(n/2), 2]
        var high = pairs.select(1, 0).mul(16);
        var packed = high.bitwise_or(pairs.select(1, 1));
        return packed.view(-1, 1).MoveToOuterDisposeScope();
    }

    /// <summary>uint8 [k, 1] or [k] → uint8 [n] codes in storage order (n ≤ 2k).</summary>
    public static Tensor Unpack(Tensor packed, long n)
    {
        using var scope = NewDisposeScope();
        var bytes = packed.reshape(-1);                                       // [k]
        var high = bytes.bitwise_right_shift(4);
        var low = bytes.bitwise_and(0x0F);
        var codes = stack([high, low], 1).view(-1);                           // [2k]
        return codes.narrow(0, 0, n).contiguous().MoveToOuterDisposeScope();
    }

    /// <summary>Bytes that hold n codes: ceil(n/2).</summary>
    public static long PackedLength(long n) => (n + 1) / 2;
}
