using System.Globalization;

namespace Lora.Cli.Arguments;

/// <summary>
/// Rows of integers written as text: commas between values, semicolons between rows, e.g.
/// <c>"1,2,3;4,5,6"</c> (token ids, or an attention mask). Rows may differ in length; verbs that need a
/// rectangle check <see cref="FirstRowOfOtherLength"/>.
/// </summary>
public sealed class IntegerRows
{
    private IntegerRows(IReadOnlyList<long[]> rows) => Rows = rows;

    /// <summary>The rows, in the order written; none is empty.</summary>
    public IReadOnlyList<long[]> Rows { get; }

    public int Count => Rows.Count;

    public int LongestRow => Rows.Max(r => r.Length);

    /// <summary>The 0-based index of the first row whose length differs from row 0, or null when all are equal.</summary>
    public int? FirstRowOfOtherLength
    {
        get
        {
            for (int i = 1; i < Rows.Count; i++)
                if (Rows[i].Length != Rows[0].Length) return i;
            return null;
        }
    }

    /// <summary>Rows made in code (a tokenizer's output); <paramref name="describe"/> names a row for the error when one is empty.</summary>
    public static IntegerRows FromRows(IReadOnlyList<long[]> rows, Func<int, string> describe)
    {
        if (rows.Count == 0) throw new CommandInputException("No rows of token ids were given.");
        for (int r = 0; r < rows.Count; r++)
            if (rows[r].Length == 0) throw new CommandInputException($"{describe(r)} gives no token ids.");
        return new IntegerRows(rows);
    }

    /// <summary>
    /// Parses <paramref name="text"/>; on failure returns null and sets <paramref name="error"/> to a message
    /// naming the row (1-based, as a user counts) and the value at fault.
    /// </summary>
    public static IntegerRows? TryParse(string text, out string? error)
    {
        var rows = new List<long[]>();
        var rowTexts = text.Split(';');
        for (int r = 0; r < rowTexts.Length; r++)
        {
            var items = rowTexts[r].Split(',', StringSplitOptions.TrimEntries);
            if (items is [""])
            {
                error = $"row {r + 1} of \"{text}\" is empty; write integers separated by ',' and rows separated by ';', e.g. \"1,2,3;4,5,6\".";
                return null;
            }
            var row = new long[items.Length];
            for (int i = 0; i < items.Length; i++)
            {
                if (!long.TryParse(items[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out row[i]))
                {
                    error = $"row {r + 1}, value {i + 1} of \"{text}\" is '{items[i]}', which is not an integer.";
                    return null;
                }
            }
            rows.Add(row);
        }
        error = null;
        return new IntegerRows(rows);
    }

    /// <summary>The first value outside [<paramref name="min"/>, <paramref name="max"/>] as (row, column, value), 0-based; null when all are inside.</summary>
    public (int Row, int Column, long Value)? FirstOutside(long min, long max)
    {
        for (int r = 0; r < Rows.Count; r++)
            for (int c = 0; c < Rows[r].Length; c++)
                if (Rows[r][c] < min || Rows[r][c] > max) return (r, c, Rows[r][c]);
        return null;
    }
}
