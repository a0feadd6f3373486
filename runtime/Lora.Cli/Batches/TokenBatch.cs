using Lora.Cli.Arguments;
using static TorchSharp.torch;

namespace Lora.Cli.Batches;

/// <summary>Token id rows as the (B, T) int64 tensors a model takes.</summary>
public static class TokenBatch
{
    /// <summary>Rows of equal length as one (B, T) tensor; the caller has checked the lengths.</summary>
    public static Tensor Rectangular(IntegerRows rows)
    {
        int length = rows.Rows[0].Length;
        var flat = rows.Rows.SelectMany(r => r).ToArray();
        return tensor(flat, [rows.Count, length], ScalarType.Int64);
    }

    /// <summary>
    /// Rows of any lengths, left-padded with <paramref name="padId"/> to the longest, as generation expects;
    /// the mask marks real tokens with 1. The mask is null when no row needed padding.
    /// </summary>
    public static (Tensor Ids, Tensor? Mask) LeftPadded(IntegerRows rows, long padId)
    {
        int length = rows.LongestRow;
        var ids = new long[rows.Count * length];
        var mask = new long[rows.Count * length];
        for (int r = 0; r < rows.Count; r++)
        {
            var row = rows.Rows[r];
            int padding = length - row.Length;
            Array.Fill(ids, padId, r * length, padding);
            row.CopyTo(ids, r * length + padding);
            Array.Fill(mask, 1L, r * length + padding, row.Length);
        }
        var idsTensor = tensor(ids, [rows.Count, length], ScalarType.Int64);
        return (idsTensor, rows.FirstRowOfOtherLength is null ? null : tensor(mask, [rows.Count, length], ScalarType.Int64));
    }

    /// <summary>Fails with a message naming the row and the id when an id is past the model's vocabulary.</summary>
    public static void EnsureInVocabulary(IntegerRows rows, int vocabSize, string source)
    {
        if (rows.FirstOutside(0, vocabSize - 1) is var (row, column, value))
            throw new CommandInputException(
                $"{source}: row {row + 1}, value {column + 1} is token id {value}, but the model's vocabulary has ids 0..{vocabSize - 1} (vocab_size in config.json).");
    }
}
