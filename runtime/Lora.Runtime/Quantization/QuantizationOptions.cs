namespace Lora.Runtime.Quantization;

/// <summary>
/// QLoRA's base: which 4-bit type, whether the block scales are quantized again, and whether the embedding tables and
/// the LM head are 4-bit too. By default every projection but the LM head is quantized and the embeddings stay as they
/// are (transformers' and bitsandbytes' defaults); <see cref="Embeddings"/> quantizes them as well, as bitsandbytes'
/// Embedding4bit and an empty <c>llm_int8_skip_modules</c> do: for small models, whose vocabulary outweighs their layers.
/// </summary>
public sealed record QuantizationOptions(Lora.QuantType Type = Lora.QuantType.NF4, bool DoubleQuant = true, bool Embeddings = false)
{
    /// <summary>Whether the projection named <paramref name="moduleName"/> is stored in 4 bits.</summary>
    public bool IsQuantizable(string moduleName) => Embeddings || moduleName != "lm_head";
}
