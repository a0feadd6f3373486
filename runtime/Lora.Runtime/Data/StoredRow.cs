namespace Lora.Runtime.Data;

/// <summary>What memory keeps of a tokenized row: where it is in the <see cref="TokenStore"/> and how many tokens it has.</summary>
public readonly record struct StoredRow(long Offset, int Tokens);
