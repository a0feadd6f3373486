using System;

namespace Lora
{
    /// <summary>Quantizes the frozen base weights (QLoRA). Defaults are bitsandbytes' <c>BitsAndBytesConfig</c>.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class QuantizeAttribute : Attribute
    {
        /// <summary>Quantizes the base model.</summary>
        /// <param name="type">The storage type of the base weights; <see cref="QuantType.NF4"/> is QLoRA's.</param>
        public QuantizeAttribute(QuantType type = QuantType.NF4)
        {
            Type = type;
        }

        /// <summary>The storage type of the base weights.</summary>
        public QuantType Type { get; }

        /// <summary>Also quantize the per-block absmax constants (8-bit, blocks of 256): about 0.37 bits less per weight. Default false.</summary>
        public bool DoubleQuant { get; set; }

        /// <summary>The type the dequantized weights are multiplied in. Default <see cref="ComputeType.Float32"/> (bitsandbytes'); QLoRA used bfloat16.</summary>
        public ComputeType ComputeType { get; set; } = ComputeType.Float32;
    }
}
