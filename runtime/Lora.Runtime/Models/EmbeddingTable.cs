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
public sealed class EmbeddingTable : nn.Module<Tensor, Tensor>, IQuantizableModule
{
    public Parameter weight;

    public EmbeddingTable(string name, long count, long width, ScalarType dtype) : base(name)
    {
        Count = count;
        Width = width;
        ComputeType = dtype;
        // Uninitialised on purpose: a checkpoint or a random initialiser fills it.
        weight = new Parameter(empty([count, width], dtype), requires_grad: false);
        register_parameter("weight", weight);
    }

    /// <summary>The frozen table in 4 bits (<see cref="weight"/> is then empty); null for a full-precision table.</summary>
    public QuantizedWeight? Quantized { get; private set; }

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
    public void Quantize(Lora.QuantType type, bool doubleQuant)
    {
        if (Width % QuantizedWeight.DefaultBlocksize != 0)
            throw new ArgumentException($"{GetName()}: a 4-bit embedding needs a width that is a multiple of {QuantizedWeight.DefaultBlocksize} (whole blocks per row); this one is {Width} wide.");
        // Straight from the table: quantization converts a chunk at a time, so no float32 copy of a 32k × 4096 table exists.
        SetQuantized(QuantizedWeight.Quantize(weight, type, doubleQuant));
    }

    /// <summary>Replaces the full-precision table by <paramref name="quantized"/> (its rows whole blocks) and frees it.</summary>
    public void SetQuantized(QuantizedWeight quantized)
    {
        if (!quantized.RowsAreWholeBlocks || quantized.Shape[0] != Count || quantized.Shape[1] != Width)
            throw new ArgumentException($"{GetName()}: a 4-bit table of shape [{string.Join(", ", quantized.Shape)}] does not fit here.");
        Quantized?.Dispose();
        Quantized = quantized;
        using (no_grad()) weight.set_(empty(0, weight.dtype, weight.device));
    }

    /// <summary>The table (vocab, width) in <paramref name="dtype"/>, dequantized when 4-bit.</summary>
    public Tensor FullWeight(ScalarType dtype) => Quantized?.Dequantize(dtype) ?? weight.to_type(dtype);

    // The 4-bit table is not a parameter, so Module.to would leave it behind: it moves with the module here.
    protected override nn.Module _to(DeviceType deviceType, int deviceIndex, bool non_blocking)
    {
        Quantized = Quantized?.MoveTo(new Device(deviceType, deviceIndex));
        return base._to(deviceType, deviceIndex, non_blocking);
    }

    protected override nn.Module _to(Device device, ScalarType dtype, bool non_blocking)
    {
        Quantized = Quantized?.MoveTo(device);
        return base._to(device, dtype, non_blocking);
    }
}
