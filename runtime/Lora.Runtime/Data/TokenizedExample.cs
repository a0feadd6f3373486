namespace Lora.Runtime.Data;

/// <summary>One training example: token ids and, per position, the label (the id itself, or -100 for no loss).</summary>
public sealed record TokenizedExample(int[] InputIds, long[] Labels, string Source)
{
    /// <summary>
    /// Positions whose label enters the loss. Position 0 never does: the causal loss predicts label t from the
    /// tokens before t, and nothing comes before the first token.
    /// </summary>
    public int TrainableTokens => Labels.Skip(1).Count(l => l != -100);
}
