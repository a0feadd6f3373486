using System;

namespace Lora
{
    /// <summary>Quantizes the frozen base weights (QLoRA). Defaults are bitsandbytes' <c>BitsAndBytesConfig</c>.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class QuantizeAttribute : Attribute
    {
        /// <summary>Quantizes the base model.</summary>
        /// <param name="type">The storage type of the base weights; <see cref="QuantType.NF4"/> is QLoRA's.</param>
        public QuantizeAttribute(QuantType type = SettingDefaults.QuantType)
        {
            Type = type;
        }

        /// <summary>The storage type of the base weights.</summary>
        public QuantType Type { get; }

        /// <summary>Also quantize the per-block absmax constants (8-bit, blocks of 256): about 0.37 bits less per weight. Default false.</summary>
        public bool DoubleQuant { get; set; }

        /// <summary>The type the dequantized weights are multiplied in. Default <see cref="ComputeType.Auto"/>: bfloat16 on a GPU
        /// that has it (as QLoRA trained), float32 on the CPU (bitsandbytes' default).</summary>
        public ComputeType ComputeType { get; set; } = SettingDefaults.QuantComputeType;

        /// <summary>
        /// Also store the embedding tables and the LM head in 4 bits, as bitsandbytes' <c>Embedding4bit</c> and an empty
        /// <c>llm_int8_skip_modules</c> do: for small models with large vocabularies, whose tables outweigh their layers.
        /// The model's hidden size must be a multiple of 64 (whole blocks per row). Default false (transformers keeps them).
        /// </summary>
        public bool Embeddings { get; set; }
    }
}
