namespace Lora.Runtime.Tokenization;

/// <summary>A piece of input text: either plain text for the subword model or one added token.</summary>
internal readonly record struct TextSegment(string Text, AddedToken? Token);
