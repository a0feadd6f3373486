using Lora.Runtime.Quantization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>
/// An embedding table (count, width), of tokens or of positions, whose parameter name equals the checkpoint key
/// (<c>weight</c>), optionally in 4 bits as bitsandbytes' Embedding4bit keeps it: a lookup then unpacks only the rows it
/// returns.
/// </summary>
public sealed class EmbeddingTable : QuantizableModule
{
    public EmbeddingTable(string name, long count, long width, ScalarType dtype) : base(name, [count, width], dtype)
    {
        Count = count;
        Width = width;
        ComputeType = dtype;
    }

    public long Count { get; }
    public long Width { get; }

    /// <summary>The dtype lookups return (the model's compute dtype), also for a 4-bit table.</summary>
    public ScalarType ComputeType { get; }

    /// <summary>ids (…) int64 → (…, width).</summary>
    public override Tensor forward(Tensor ids)
    {
        if (Quantized is not null) return Quantized.Lookup(ids, ComputeType);
        using var scope = NewDisposeScope();
        return weight.index_select(0, ids.reshape(-1)).view([.. ids.shape, Width]).MoveToOuterDisposeScope();
    }

    /// <summary>Quantizes the table in place of itself. Each row must be whole blocks, so that a lookup unpacks rows alone.</summary>
    public override void Quantize(Lora.QuantType type, bool doubleQuant)
    {
        if (Width % QuantizedWeight.DefaultBlocksize != 0)
            throw new ArgumentException($"{GetName()}: a 4-bit embedding needs a width that is a multiple of {QuantizedWeight.DefaultBlocksize} (whole blocks per row); this one is {Width} wide.");
        // Straight from the table: quantization converts a chunk at a time, so no float32 copy of a 32k × 4096 table exists.
        SetQuantized(QuantizedWeight.Quantize(weight, type, doubleQuant));
    }

    /// <summary>A 4-bit table must have this table's shape and rows of whole blocks.</summary>
    protected override void CheckFits(QuantizedWeight quantized)
    {
        if (!quantized.RowsAreWholeBlocks || quantized.Shape[0] != Count || quantized.Shape[1] != Width)
            throw new ArgumentException($"{GetName()}: a 4-bit table of shape [{string.Join(", ", quantized.Shape)}] does not fit here.");
    }

    /// <summary>The table (vocab, width) in <paramref name="dtype"/>, dequantized when 4-bit.</summary>
    public override Tensor FullWeight(ScalarType dtype) => Quantized?.Dequantize(dtype) ?? weight.to_type(dtype);
}
