namespace Lora
{
    /// <summary>How the frozen base weights are stored during QLoRA training.</summary>
    public enum QuantType
    {
        /// <summary>4-bit NormalFloat (the QLoRA paper's data type), blocks of 64 weights with one absmax each.</summary>
        NF4,

        /// <summary>4-bit floating point (bitsandbytes' <c>fp4</c>).</summary>
        FP4,

        /// <summary>8-bit integer weights with per-row scales (LLM.int8 style).</summary>
        Int8,
    }
}
