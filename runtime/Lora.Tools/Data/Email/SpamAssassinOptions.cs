namespace Lora.Tools.Data.Email;

/// <summary>How the spam/ham dataset is cut and balanced.</summary>
/// <param name="MaxChars">Longest body kept, in characters.</param>
/// <param name="PerLabel">Rows per label; null takes as many as the smaller label has.</param>
/// <param name="MaxTokens">
/// Longest subject plus body in GPT-2 BPE tokens (the tokenizer of the built-in model), or null for no token limit.
/// The prompt "Subject: {subject}\n{body}\nSpam:" with completion " {spam}", BOS and EOS adds at most
/// <see cref="SpamAssassinDataset.TemplateTokens"/> tokens, so every row then fits MaxLength = MaxTokens + that.
/// </param>
public sealed record SpamAssassinOptions(int MaxChars = SpamAssassinDataset.DefaultMaxChars, int? PerLabel = null, int? MaxTokens = null);
