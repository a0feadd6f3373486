namespace Lora.Cli.Output;

/// <summary>Turns the generator's padded batch back into one sequence per prompt.</summary>
public static class GeneratedSequences
{
    /// <summary>
    /// Row r of <paramref name="output"/> (B × width, row-major) as the sequence that prompt r alone would give:
    /// its left padding removed, and the filler after its first generated EOS dropped (the generator keeps
    /// writing pad ids into finished rows while other rows go on).
    /// </summary>
    /// <param name="output">The generator's ids, flattened.</param>
    /// <param name="width">Columns of <paramref name="output"/>: padded prompt length plus new tokens.</param>
    /// <param name="paddedPromptLength">The length every prompt was left-padded to.</param>
    /// <param name="promptLengths">Each prompt's own length.</param>
    /// <param name="eosIds">Ids that end generation.</param>
    public static IReadOnlyList<long[]> Split(long[] output, int width, int paddedPromptLength, IReadOnlyList<int> promptLengths, IReadOnlyCollection<int> eosIds)
    {
        var rows = new List<long[]>(promptLengths.Count);
        for (int r = 0; r < promptLengths.Count; r++)
        {
            int start = r * width + paddedPromptLength - promptLengths[r];
            int end = (r + 1) * width;
            for (int i = r * width + paddedPromptLength; i < end; i++)
            {
                if (eosIds.Contains((int)output[i]))
                {
                    end = i + 1;
                    break;
                }
            }
            rows.Add(output[start..end]);
        }
        return rows;
    }
}
