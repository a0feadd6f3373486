namespace Lora.Runtime.Data;

/// <summary>
/// What memory keeps of a tokenized row: where it is in the <see cref="TokenStore"/>, how many tokens it has, and how
/// many of its positions carry a label (<see cref="TokenizedExample.TrainableTokens"/>).
/// </summary>
public readonly record struct StoredRow(long Offset, int Tokens, int Scored);
