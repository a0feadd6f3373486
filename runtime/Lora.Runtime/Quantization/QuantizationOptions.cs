namespace Lora.Runtime.Quantization;

/// <summary>
/// QLoRA's base: which 4-bit type, whether the block scales are quantized again. Every projection but the
/// LM head is quantized (transformers' default keeps lm_head in full precision); embeddings and norms stay as they are.
/// </summary>
public sealed record QuantizationOptions(Lora.QuantType Type = Lora.QuantType.NF4, bool DoubleQuant = true)
{
    public static bool IsQuantizable(string moduleName) => moduleName != "lm_head";
}
