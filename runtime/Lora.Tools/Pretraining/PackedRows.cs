namespace Lora.Tools.Pretraining;

/// <summary>Token ids cut into rows of equal length: row <c>r</c> is <c>Ids[r·RowLength .. (r+1)·RowLength)</c>.</summary>
/// <param name="Ids">All rows, one after another.</param>
/// <param name="RowLength">Tokens per row.</param>
/// <param name="DroppedTokens">Tokens at the end of the stream that did not fill a last row.</param>
public sealed record PackedRows(long[] Ids, int RowLength, int DroppedTokens)
{
    public int Count => Ids.Length / RowLength;

    public long TokenCount => Ids.LongLength;

    public ReadOnlySpan<long> Row(int index) => Ids.AsSpan(index * RowLength, RowLength);
}
