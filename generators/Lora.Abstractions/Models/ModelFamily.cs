using System.Collections.Generic;

namespace Lora
{
    /// <summary>What LoRA needs to know about one Hugging Face <c>model_type</c>.</summary>
    /// <param name="ModelType">The <c>model_type</c> value.</param>
    /// <param name="Modules">Every adaptable linear module.</param>
    /// <param name="DefaultTargets">PEFT's default target modules for this family.</param>
    /// <param name="GatedMlp">True for SwiGLU-style MLPs (gate and up projections), false for GPT-2's plain MLP.</param>
    /// <param name="NormHasBias">True for LayerNorm with a bias (GPT-2), false for RMSNorm.</param>
    /// <param name="LearnedPositions">True when positions are a learned embedding table (GPT-2), false for RoPE.</param>
    /// <param name="ConfigDefaults">What config.json's absent keys mean for this family.</param>
    public sealed record ModelFamily(
        string ModelType,
        IReadOnlyList<LinearModule> Modules,
        IReadOnlyList<string> DefaultTargets,
        bool GatedMlp,
        bool NormHasBias,
        bool LearnedPositions,
        ConfigDefaults ConfigDefaults)
    {
        /// <summary>Hidden-wide norms in each block: 2 (before attention and before the MLP), Gemma's 4 (after each as well).</summary>
        public int NormsPerLayer { get; init; } = 2;

        /// <summary>Whether each block normalises every head's query and key (<c>q_norm</c>, <c>k_norm</c>, head_dim wide): Qwen3, Gemma 3.</summary>
        public bool QkNorm { get; init; }

        /// <summary>The modules a target selects; <see cref="ModelFamilies.AllLinear"/> selects every per-layer module.</summary>
        /// <param name="target">A target as written in <see cref="LoraAdapterAttribute.Targets"/>.</param>
        /// <returns>The selected modules; empty when the target names none.</returns>
        public IReadOnlyList<LinearModule> Select(string target)
        {
            var selected = new List<LinearModule>();
            foreach (var module in Modules)
            {
                var isAllLinear = target == ModelFamilies.AllLinear && module.PerLayer;
                if (isAllLinear || module.IsSelectedBy(target))
                {
                    selected.Add(module);
                }
            }

            return selected;
        }

        /// <summary>Every name a target may use: leaf names, qualified names and <see cref="ModelFamilies.AllLinear"/>.</summary>
        public IReadOnlyList<string> TargetNames
        {
            get
            {
                var names = new List<string>();
                foreach (var module in Modules)
                {
                    if (!names.Contains(module.LeafName))
                    {
                        names.Add(module.LeafName);
                    }
                }

                foreach (var module in Modules)
                {
                    if (!names.Contains(module.QualifiedName))
                    {
                        names.Add(module.QualifiedName);
                    }
                }

                names.Add(ModelFamilies.AllLinear);
                return names;
            }
        }
    }
}
