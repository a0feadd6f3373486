using System;

namespace Lora
{
    /// <summary>
    /// Merges the trained adapter into the base weights and saves a standalone model. A quantized base is
    /// dequantized first, so the merge uses the weights the adapter was trained against.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class MergeAttribute : Attribute
    {
        /// <summary>The element type of the saved weights. Default <see cref="MergeDType.Float16"/>.</summary>
        public MergeDType DType { get; set; } = SettingDefaults.MergeDType;

        /// <summary>Refuse to save when a merged weight is not finite (PEFT's <c>safe_merge</c>). Default true, and the only
        /// value: every merge is checked (false is diagnostic LORA0015, as a model with NaN weights is never written).</summary>
        public bool SafeMerge { get; set; } = SettingDefaults.SafeMerge;
    }
}
