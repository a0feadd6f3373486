namespace Lora.Runtime.Export.Gguf;

/// <summary>
/// One tensor to write: its GGUF name, its dimensions in ggml's order (innermost first, so a PyTorch [out, in] weight is
/// [in, out] here), its element type and its bytes, produced when the writer reaches it so that one tensor is in memory at
/// a time.
/// </summary>
public sealed record GgufTensor(string Name, IReadOnlyList<long> Dimensions, GgmlType Type, Func<byte[]> Data)
{
    public long ElementCount => Dimensions.Aggregate(1L, (a, b) => a * b);
    public long ByteSize => GgmlTypes.ByteSize(Type, ElementCount);
}
