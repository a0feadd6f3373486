using System;

namespace Lora
{
    /// <summary>The low-rank adapter: PEFT's <c>LoraConfig</c>. Defaults are PEFT's.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class LoraAdapterAttribute : Attribute
    {
        /// <summary>Rank r of the update B·A (PEFT <c>r</c>); at least 1 and at most the smallest dimension of a targeted module. Default 8.</summary>
        public int Rank { get; set; } = SettingDefaults.Rank;

        /// <summary>Scaling numerator α (PEFT <c>lora_alpha</c>): the update is scaled by α/r, or α/√r with <see cref="UseRsLora"/>. Default 8.</summary>
        public double Alpha { get; set; } = SettingDefaults.Alpha;

        /// <summary>Dropout on the adapter's input, in [0, 1) (PEFT <c>lora_dropout</c>). Default 0.</summary>
        public double Dropout { get; set; }

        /// <summary>
        /// Module names to adapt; a module matches when its full name ends with <c>.name</c> (PEFT's rule), so
        /// <c>c_proj</c> in GPT-2 adapts both <c>attn.c_proj</c> and <c>mlp.c_proj</c>. <c>"all-linear"</c> adapts
        /// every linear layer but the output head. Null: the model family's PEFT default (e.g. q_proj, v_proj for llama).
        /// </summary>
        public string[]? Targets { get; set; }

        /// <summary>Which biases train (PEFT <c>bias</c>). Default <see cref="LoraBias.None"/>.</summary>
        public LoraBias Bias { get; set; } = SettingDefaults.Bias;

        /// <summary>Rank-stabilized LoRA: scale by α/√r instead of α/r (PEFT <c>use_rslora</c>). Default false.</summary>
        public bool UseRsLora { get; set; }

        /// <summary>Weight-decomposed LoRA (PEFT <c>use_dora</c>). Default false.</summary>
        public bool UseDora { get; set; }

        /// <summary>A PEFT adapter folder (<c>adapter_config.json</c> + <c>adapter_model.safetensors</c>) to start from instead of fresh weights.</summary>
        public string? InitFrom { get; set; }
    }
}
