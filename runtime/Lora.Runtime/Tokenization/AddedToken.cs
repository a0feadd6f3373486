namespace Lora.Runtime.Tokenization;

/// <summary>
/// A token matched verbatim in the text before subword encoding (Hugging Face "added tokens").
/// <paramref name="IsSpecial"/> tokens (BOS, EOS, chat markers) are dropped when decoding with skipSpecial.
/// </summary>
internal sealed record AddedToken(string Content, int Id, bool IsSpecial);
