namespace Lora.Runtime.Data;

/// <summary>One training example: token ids and, per position, the label (the id itself, or -100 for no loss).</summary>
public sealed record TokenizedExample(int[] InputIds, long[] Labels, string Source)
{
    public int TrainableTokens => Labels.Count(l => l != -100);
}
