namespace Lora.Runtime.Tokenization;

/// <summary>The resolved BOS, EOS and PAD ids of a tokenizer.</summary>
/// <param name="BosId">Beginning-of-sequence id, or null when the model uses none (Qwen2, GPT-2 folders that say so).</param>
/// <param name="EosIds">Every id that ends generation, the main EOS first; empty when none is known.</param>
/// <param name="PadId">Padding id, or null when the model defines none (trainers then pad with EOS or mask).</param>
internal sealed record SpecialTokenIds(int? BosId, IReadOnlyList<int> EosIds, int? PadId)
{
    public static SpecialTokenIds None { get; } = new(null, [], null);
}
