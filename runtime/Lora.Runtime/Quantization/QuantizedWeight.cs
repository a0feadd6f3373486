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

    // Dequantize this many values at a time (a multiple of every supported blocksize) to bound the temporaries: 6 bytes
    // per value beside the output.
    private const long ChunkElements = 1L << 22;

    // Quantize this many at a time: quantization's temporaries (float32 copy, |x|, normalised values, codes) are ~25
    // bytes per value, so 1 M values keep them near 25 MiB (4 M made a 32k × 512 embedding's quantization the peak of
    // a QLoRA run).
    private const long QuantizeChunkElements = 1L << 20;

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
        Quantize(weight, type, doubleQuant, blocksize, QuantizeChunkElements);

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
            // One chunk's float32 copy, normalised values and codes at a time: kept to the end of the outer scope, a
            // 32k × 512 embedding's chunks held ~200 MiB at once.
            using var chunkScope = NewDisposeScope();
            var length = Math.Min(chunkElements, n - start);
            var part = flat.narrow(0, start, length).to_type(ScalarType.Float32);
            var blocks = Blockwise.ToBlocks(part, blocksize);                 // [b, blocksize]
            var absmax = Blockwise.Absmax(blocks);                            // [b]
            var codes = codebook.Encode(Blockwise.Normalize(blocks, absmax)).view(-1);  // [b·blocksize]
            packedParts.Add(FourBitPacking.Pack(codes, length).MoveToOuterDisposeScope());   // [ceil(length/2), 1]
            absmaxParts.Add(absmax.MoveToOuterDisposeScope());
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

    /// <summary>As the public overload, <paramref name="chunkElements"/> values (an even multiple of the blocksize) at a time.</summary>
    internal Tensor Dequantize(ScalarType computeDtype, long chunkElements)
    {
        // Scoped: the flat result's own handle goes here, or it would keep the weight alive in the caller's scope after
        // the caller disposed the view (a 1.1B model's layer held its seven dequantized projections, 84 MiB, that way).
        using var scope = NewDisposeScope();
        return DequantizeRange(0, NumElements, computeDtype, chunkElements).view(Shape).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Rows [<paramref name="start"/>, start + <paramref name="count"/>) of a 2-D weight, (count, columns) in
    /// <paramref name="computeDtype"/>: a slice of an LM head in 4 bits without the rest of it. The first row must begin
    /// a block (start · columns a multiple of <see cref="Blocksize"/>).
    /// </summary>
    public Tensor DequantizeRows(long start, long count, ScalarType computeDtype)
    {
        if (Shape.Length != 2) throw new InvalidOperationException($"Row slices need a 2-D weight; this one is [{string.Join(", ", Shape)}].");
        long columns = Shape[1];
        if (start < 0 || count < 0 || start + count > Shape[0])
            throw new ArgumentOutOfRangeException(nameof(count), $"rows [{start}, {start + count}) are outside the weight's {Shape[0]} rows");
        if (start * columns % Blocksize != 0)
            throw new ArgumentException($"Row {start} of a weight with {columns} columns does not begin a block of {Blocksize}.", nameof(start));
        using var scope = NewDisposeScope();
        return DequantizeRange(start * columns, count * columns, computeDtype, ChunkElements).view(count, columns).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The rows named by <paramref name="rows"/> (int64, any shape) of a 2-D weight whose rows are whole blocks, as
    /// (…, columns) in <paramref name="computeDtype"/>: an embedding lookup that unpacks only the rows it returns
    /// (bitsandbytes' Embedding4bit).
    /// </summary>
    public Tensor Lookup(Tensor rows, ScalarType computeDtype)
    {
        if (!RowsAreWholeBlocks)
            throw new InvalidOperationException($"A 4-bit lookup needs rows of whole {Blocksize}-value blocks; this weight is [{string.Join(", ", Shape)}].");
        using var scope = NewDisposeScope();
        long columns = Shape[1];
        var flat = rows.reshape(-1);                                                          // (N)
        var codes = Packed.view(Shape[0], columns / 2).index_select(0, flat).to_type(ScalarType.Int32);   // (N, columns/2)
        var values = Codebook.PairTable(Device).index_select(0, codes.view(-1));             // (N·columns/2, 2) float32
        var scales = DequantizeAbsmax().view(Shape[0], columns / Blocksize).index_select(0, flat);       // (N, columns/blocksize)
        var scaled = values.view(flat.shape[0], columns / Blocksize, Blocksize).mul_(scales.unsqueeze(-1));
        return scaled.view([.. rows.shape, columns]).to_type(computeDtype).MoveToOuterDisposeScope();
    }

    /// <summary>True for a 2-D weight whose every row is a whole number of blocks (what <see cref="Lookup"/> needs).</summary>
    public bool RowsAreWholeBlocks => Shape.Length == 2 && Shape[1] % Blocksize == 0;

    /// <summary>
    /// Values [start, start + length) of the flattened weight (start a multiple of the blocksize), [length] in the
    /// compute dtype, <paramref name="chunkElements"/> at a time: the int32 indices and float32 values (6 bytes per
    /// weight) exist for one chunk only, beside the output, where all at once they were 8 bytes per weight (a 7B
    /// model's 45 M-weight MLP projections: 360 MB of temporaries in every forward and backward).
    /// </summary>
    Tensor DequantizeRange(long start, long length, ScalarType computeDtype, long chunkElements)
    {
        if (chunkElements <= 0 || chunkElements % Blocksize != 0 || chunkElements % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(chunkElements), chunkElements, $"must be a positive even multiple of the blocksize {Blocksize}");
        using var scope = NewDisposeScope();
        var absmax = DequantizeAbsmax();                                      // [blocks]
        var table = Codebook.PairTable(Device);                               // [256, 2]
        var packed = Packed.reshape(-1);                                      // [ceil(n/2)], two codes per byte
        var output = length <= chunkElements ? null : empty(length, computeDtype, Device);
        for (long offset = 0; offset < length; offset += chunkElements)
        {
            long at = start + offset, size = Math.Min(chunkElements, length - offset);
            var codes = packed.narrow(0, at / 2, (size + 1) / 2).to_type(ScalarType.Int32);
            var values = table.index_select(0, codes).view(-1);              // [2·ceil(size/2)] float32
            codes.Dispose();
            if (values.shape[0] != size) values = values.narrow(0, 0, size);
            Blockwise.ScaleInPlace(values, absmax.narrow(0, at / Blocksize, Blockwise.BlockCount(size, Blocksize)), Blocksize);
            if (output is null) return values.to_type(computeDtype).MoveToOuterDisposeScope();
            output.narrow(0, offset, size).copy_(values);
            values.Dispose();
        }
        return output!.MoveToOuterDisposeScope();
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

    /// <summary>
    /// This weight on <paramref name="device"/>, for a module's <c>_to</c>: itself when it is there already (index −1,
    /// "the current device of that type", counts as there when the type matches), else a copy there, this one disposed.
    /// </summary>
    internal QuantizedWeight MoveTo(Device device)
    {
        if (Tensors.Devices.Same(Device, device) || (Device.type == device.type && device.index < 0)) return this;
        var moved = To(device);
        Dispose();
        return moved;
    }

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
