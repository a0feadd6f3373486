using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>
/// A weight stored as bitsandbytes stores a 4-bit parameter: the flattened weight (row-major) in blocks of
/// <see cref="Blocksize"/> values, each value the 4-bit code of the nearest level of value/absmax, two codes
/// per byte (first in the high nibble), and per block the absmax, itself double-quantized when
/// <see cref="Nested"/> is set. Owns its tensors.
/// </summary>
public sealed class QuantizedWeight : IDisposable
{
    public const int DefaultBlocksize = 64;

    /// <summary>The blocksizes bitsandbytes' kernels accept.</summary>
    public static IReadOnlyList<int> SupportedBlocksizes { get; } = [64, 128, 256, 512, 1024, 2048, 4096];

    // Quantize and dequantize this many values at a time (a multiple of every supported blocksize) to bound the temporaries.
    private const long ChunkElements = 1L << 22;

    internal QuantizedWeight(Tensor packed, Tensor absmax, DoubleQuantState? nested, long[] shape, ScalarType dtype, QuantType type, int blocksize)
    {
        Packed = packed;
        Absmax = absmax;
        Nested = nested;
        Shape = shape;
        DType = dtype;
        Type = type;
        Blocksize = blocksize;
    }

    /// <summary>uint8 [ceil(n/2), 1]: the codes, two per byte (bitsandbytes' Params4bit layout).</summary>
    public Tensor Packed { get; }

    /// <summary>Per block: float32 [blocks], or uint8 [blocks] codes of the dynamic map when <see cref="Nested"/> is set.</summary>
    public Tensor Absmax { get; }

    /// <summary>The second-level state of double quantization, or null.</summary>
    public DoubleQuantState? Nested { get; }

    /// <summary>The original shape, e.g. [out, in].</summary>
    public long[] Shape { get; }

    /// <summary>The original dtype (bitsandbytes' quant-state "dtype").</summary>
    public ScalarType DType { get; }

    public QuantType Type { get; }
    public int Blocksize { get; }
    public FourBitCodebook Codebook => FourBitCodebook.For(Type);
    public long NumElements => Shape.Aggregate(1L, (a, b) => a * b);
    public long BlockCount => Blockwise.BlockCount(NumElements, Blocksize);
    public Device Device => Packed.device;

    /// <summary>
    /// Bytes of the tensors that grow with the weight: packed codes, absmax, nested absmax. Left out, as
    /// per-tensor constants: the nested offset (a field of bitsandbytes' JSON quant state, like shape and
    /// dtype) and the 16- and 256-entry code maps, which are the same for every weight of a type.
    /// </summary>
    public long StorageBytes =>
        Packed.NumberOfElements
        + Absmax.NumberOfElements * Absmax.ElementSize
        + (Nested is null ? 0 : Nested.NestedAbsmax.NumberOfElements * Nested.NestedAbsmax.ElementSize);

    /// <summary><see cref="StorageBytes"/> · 8 / weights; about 4 + 8/64 + 32/(64·256) ≈ 4.127 for large NF4 weights with double quantization.</summary>
    public double BitsPerWeight => StorageBytes * 8.0 / NumElements;

    /// <summary>
    /// Quantizes <paramref name="weight"/> (any float dtype, any device) as bitsandbytes' <c>quantize_4bit</c>
    /// does; the result lives on the weight's device. No host synchronization.
    /// </summary>
    public static QuantizedWeight Quantize(Tensor weight, QuantType type, bool doubleQuant, int blocksize = DefaultBlocksize) =>
        Quantize(weight, type, doubleQuant, blocksize, ChunkElements);

    /// <summary>As the public overload, <paramref name="chunkElements"/> values (a multiple of the blocksize) at a time.</summary>
    internal static QuantizedWeight Quantize(Tensor weight, QuantType type, bool doubleQuant, int blocksize, long chunkElements)
    {
        ArgumentNullException.ThrowIfNull(weight);
        CheckBlocksize(blocksize);
        if (!weight.is_floating_point())
            throw new ArgumentException($"Only floating-point weights can be 4-bit quantized; this one is {weight.dtype}.", nameof(weight));
        if (weight.NumberOfElements == 0)
            throw new ArgumentException("An empty weight cannot be quantized.", nameof(weight));
        if (chunkElements <= 0 || chunkElements % blocksize != 0)
            throw new ArgumentOutOfRangeException(nameof(chunkElements), chunkElements, $"must be a positive multiple of the blocksize {blocksize}");

        var codebook = FourBitCodebook.For(type);
        using var scope = NewDisposeScope();
        var flat = weight.detach().reshape(-1);                               // [n] row-major
        var n = flat.shape[0];
        var packedParts = new List<Tensor>();
        var absmaxParts = new List<Tensor>();
        for (long start = 0; start < n; start += chunkElements)
        {
            var length = Math.Min(chunkElements, n - start);
            var part = flat.narrow(0, start, length).to_type(ScalarType.Float32);
            var blocks = Blockwise.ToBlocks(part, blocksize);                 // [b, blocksize]
            var absmax = Blockwise.Absmax(blocks);                            // [b]
            var codes = codebook.Encode(Blockwise.Normalize(blocks, absmax)).view(-1);  // [b·blocksize]
            packedParts.Add(FourBitPacking.Pack(codes, length));              // [ceil(length/2), 1]
            absmaxParts.Add(absmax);
        }

        var packed = packedParts.Count == 1 ? packedParts[0] : cat(packedParts, 0);
        var allAbsmax = absmaxParts.Count == 1 ? absmaxParts[0] : cat(absmaxParts, 0);   // [blocks]
        DoubleQuantState? nested = null;
        if (doubleQuant) (allAbsmax, nested) = DoubleQuantState.Quantize(allAbsmax);
        return new QuantizedWeight(DoubleQuantState.Keep(packed.contiguous()), DoubleQuantState.Keep(allAbsmax.contiguous()),
            nested, weight.shape.ToArray(), weight.dtype, type, blocksize);
    }

    /// <summary>The weight in <paramref name="computeDtype"/>, shape <see cref="Shape"/>, on <see cref="Device"/>.</summary>
    /// <remarks>Values are level · absmax in float32, then cast, as bitsandbytes' dequantization kernels compute them.</remarks>
    public Tensor Dequantize(ScalarType computeDtype) => Dequantize(computeDtype, ChunkElements);

    /// <summary>
    /// As the public overload, <paramref name="chunkElements"/> values (a multiple of the blocksize) at a time: the int32
    /// indices and float32 values (6 bytes per weight) exist for one chunk only, beside the output in the compute dtype,
    /// where all at once they were 8 bytes per weight (a 7B model's 45 M-weight MLP projections: 360 MB of temporaries
    /// in every forward and backward).
    /// </summary>
    internal Tensor Dequantize(ScalarType computeDtype, long chunkElements)
    {
        if (chunkElements <= 0 || chunkElements % Blocksize != 0 || chunkElements % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(chunkElements), chunkElements, $"must be a positive even multiple of the blocksize {Blocksize}");
        using var scope = NewDisposeScope();
        var n = NumElements;
        var absmax = DequantizeAbsmax();                                      // [blocks]
        var table = Codebook.PairTable(Device);                               // [256, 2]
        var packed = Packed.reshape(-1);                                      // [ceil(n/2)], two codes per byte
        var output = n <= chunkElements ? null : empty(n, computeDtype, Device);
        for (long start = 0; start < n; start += chunkElements)
        {
            long length = Math.Min(chunkElements, n - start);
            var codes = packed.narrow(0, start / 2, (length + 1) / 2).to_type(ScalarType.Int32);
            var values = table.index_select(0, codes).view(-1);              // [2·ceil(length/2)] float32
            codes.Dispose();
            if (values.shape[0] != length) values = values.narrow(0, 0, length);
            Blockwise.ScaleInPlace(values, absmax.narrow(0, start / Blocksize, Blockwise.BlockCount(length, Blocksize)), Blocksize);
            if (output is null) return values.view(Shape).to_type(computeDtype).MoveToOuterDisposeScope();
            output.narrow(0, start, length).copy_(values);
            values.Dispose();
        }
        return output!.view(Shape).MoveToOuterDisposeScope();
    }

    /// <summary>float32 [blocks]: the absmax values the codes are scaled by (after double quantization, if any).</summary>
    public Tensor DequantizeAbsmax()
    {
        if (Nested is null) return Absmax.alias();
        return Nested.Dequantize(Absmax);
    }

    /// <summary>uint8 [n]: the 4-bit code of every value, in storage (row-major) order.</summary>
    public Tensor Codes() => FourBitPacking.Unpack(Packed, NumElements);

    /// <summary>The same weight on another device (a copy; this one is unchanged).</summary>
    public QuantizedWeight To(Device device) => new(
        DoubleQuantState.Keep(Packed.to(device)), DoubleQuantState.Keep(Absmax.to(device)), Nested?.To(device),
        (long[])Shape.Clone(), DType, Type, Blocksize);

    public void Dispose()
    {
        Packed.Dispose();
        Absmax.Dispose();
        Nested?.Dispose();
    }

    internal static void CheckBlocksize(int blocksize)
    {
        if (!SupportedBlocksizes.Contains(blocksize))
            throw new ArgumentOutOfRangeException(nameof(blocksize), blocksize,
                $"bitsandbytes supports blocksizes {string.Join(", ", SupportedBlocksizes)}.");
    }
}
