namespace Lora.Runtime.Tokenization;

/// <summary>
/// The vocabulary-specific part of a tokenizer: plain text (with no added or special tokens in it) to
/// ids and back. Added tokens are split out before a model sees the text (see <see cref="AddedTokenTable"/>).
/// </summary>
internal interface ISubwordModel
{
    /// <summary>Ids one past the largest id the model can produce.</summary>
    int Size { get; }

    IReadOnlyList<int> Encode(string text);

    string Decode(IReadOnlyList<int> ids);

    /// <summary>The id of a vocabulary entry, or null when the model has no such token.</summary>
    int? IdOf(string token);
}
