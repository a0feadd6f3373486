using Lora.Runtime.Quantization;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>
/// A frozen LM head's weight (V, H) as the fused loss reads it, a slice of the vocabulary at a time: views of a plain
/// tensor, or rows of a 4-bit weight dequantized on demand, so that a 4-bit head never exists whole in full precision.
/// Does not own the weight.
/// </summary>
public sealed class LmHeadWeight
{
    readonly Tensor? _dense;
    readonly QuantizedWeight? _quantized;
    readonly ScalarType _computeDtype;

    public LmHeadWeight(Tensor dense) => _dense = dense;

    /// <param name="quantized">The head in 4 bits, (V, H).</param>
    /// <param name="computeDtype">The dtype slices are dequantized into (the model's compute dtype).</param>
    public LmHeadWeight(QuantizedWeight quantized, ScalarType computeDtype)
    {
        _quantized = quantized;
        _computeDtype = computeDtype;
    }

    public static implicit operator LmHeadWeight(Tensor dense) => new(dense);

    /// <summary>Gemma 2's <c>final_logit_softcapping</c> c: the head's logits are c·tanh(z / c) of the plain ones z; null: uncapped.</summary>
    public double? Softcap { get; private init; }

    /// <summary>The same weight with its logits capped by <paramref name="softcap"/> (null: this head as it is).</summary>
    public LmHeadWeight WithSoftcap(double? softcap) => softcap is null ? this
        : _dense is not null ? new LmHeadWeight(_dense) { Softcap = softcap } : new LmHeadWeight(_quantized!, _computeDtype) { Softcap = softcap };

    public long VocabSize => _dense?.shape[0] ?? _quantized!.Shape[0];
    public ScalarType DType => _dense?.dtype ?? _computeDtype;

    /// <summary>
    /// Slices start at multiples of this many rows: 1 for a plain tensor; for a 4-bit weight, enough rows that a slice
    /// begins a quantization block (blocksizes are powers of two).
    /// </summary>
    public long RowAlignment => _quantized is { } q ? q.Blocksize / (long)System.Numerics.BigInteger.GreatestCommonDivisor(q.Blocksize, q.Shape[1]) : 1;

    /// <summary>Rows [start, start + count) as (count, H): a view of a plain weight, a fresh tensor for a 4-bit one.</summary>
    public Tensor Rows(long start, long count) =>
        _dense?.narrow(0, start, count) ?? _quantized!.DequantizeRows(start, count, DType);

    /// <summary>The whole weight (V, H): the tensor itself, or a 4-bit weight dequantized in full.</summary>
    public Tensor Whole() => _dense?.alias() ?? _quantized!.Dequantize(DType);
}
