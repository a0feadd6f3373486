using System;
using System.Collections.Generic;

namespace Lora
{
    /// <summary>The model families Lora supports, with their module names as Hugging Face checkpoints spell them.</summary>
    public static class ModelFamilies
    {
        /// <summary>PEFT's target that selects every linear layer of the blocks (not the output head).</summary>
        public const string AllLinear = "all-linear";

        private static readonly LinearModule[] LlamaModules =
        {
            new("self_attn.q_proj", ModuleShape.HiddenToQuery, PerLayer: true, HasBias: false),
            new("self_attn.k_proj", ModuleShape.HiddenToKeyValue, PerLayer: true, HasBias: false),
            new("self_attn.v_proj", ModuleShape.HiddenToKeyValue, PerLayer: true, HasBias: false),
            new("self_attn.o_proj", ModuleShape.QueryToHidden, PerLayer: true, HasBias: false),
            new("mlp.gate_proj", ModuleShape.HiddenToIntermediate, PerLayer: true, HasBias: false),
            new("mlp.up_proj", ModuleShape.HiddenToIntermediate, PerLayer: true, HasBias: false),
            new("mlp.down_proj", ModuleShape.IntermediateToHidden, PerLayer: true, HasBias: false),
            new("lm_head", ModuleShape.HiddenToVocab, PerLayer: false, HasBias: false),
        };

        private static readonly LinearModule[] Qwen2Modules =
        {
            new("self_attn.q_proj", ModuleShape.HiddenToQuery, PerLayer: true, HasBias: true),
            new("self_attn.k_proj", ModuleShape.HiddenToKeyValue, PerLayer: true, HasBias: true),
            new("self_attn.v_proj", ModuleShape.HiddenToKeyValue, PerLayer: true, HasBias: true),
            new("self_attn.o_proj", ModuleShape.QueryToHidden, PerLayer: true, HasBias: false),
            new("mlp.gate_proj", ModuleShape.HiddenToIntermediate, PerLayer: true, HasBias: false),
            new("mlp.up_proj", ModuleShape.HiddenToIntermediate, PerLayer: true, HasBias: false),
            new("mlp.down_proj", ModuleShape.IntermediateToHidden, PerLayer: true, HasBias: false),
            new("lm_head", ModuleShape.HiddenToVocab, PerLayer: false, HasBias: false),
        };

        private static readonly LinearModule[] Gpt2Modules =
        {
            new("attn.c_attn", ModuleShape.HiddenToThreeHidden, PerLayer: true, HasBias: true),
            new("attn.c_proj", ModuleShape.HiddenToHidden, PerLayer: true, HasBias: true),
            new("mlp.c_fc", ModuleShape.HiddenToIntermediate, PerLayer: true, HasBias: true),
            new("mlp.c_proj", ModuleShape.IntermediateToHidden, PerLayer: true, HasBias: true),
            new("lm_head", ModuleShape.HiddenToVocab, PerLayer: false, HasBias: false),
        };

        private static readonly LinearModule[] Phi3Modules =
        {
            new("self_attn.qkv_proj", ModuleShape.HiddenToFusedQkv, PerLayer: true, HasBias: false),
            new("self_attn.o_proj", ModuleShape.QueryToHidden, PerLayer: true, HasBias: false),
            new("mlp.gate_up_proj", ModuleShape.HiddenToTwoIntermediate, PerLayer: true, HasBias: false),
            new("mlp.down_proj", ModuleShape.IntermediateToHidden, PerLayer: true, HasBias: false),
            new("lm_head", ModuleShape.HiddenToVocab, PerLayer: false, HasBias: false),
        };

        /// <summary>
        /// Every supported family; default targets are PEFT's <c>TRANSFORMERS_MODELS_TO_LORA_TARGET_MODULES_MAPPING</c>, config
        /// defaults those of the family's transformers config class (GPT-2's ties embeddings as every PretrainedConfig does).
        /// </summary>
        public static IReadOnlyList<ModelFamily> All { get; } = new[]
        {
            new ModelFamily("gpt2", Gpt2Modules, new[] { "c_attn" }, GatedMlp: false, NormHasBias: true, LearnedPositions: true,
                new ConfigDefaults(MaxPositions: 1024, NormEpsilon: 1e-5, TieWordEmbeddings: true, HiddenAct: "gelu_new")),
            new ModelFamily("llama", LlamaModules, new[] { "q_proj", "v_proj" }, GatedMlp: true, NormHasBias: false, LearnedPositions: false,
                new ConfigDefaults(MaxPositions: 2048, NormEpsilon: 1e-6, TieWordEmbeddings: false, HiddenAct: "silu")),
            new ModelFamily("mistral", LlamaModules, new[] { "q_proj", "v_proj" }, GatedMlp: true, NormHasBias: false, LearnedPositions: false,
                new ConfigDefaults(MaxPositions: 4096 * 32, NormEpsilon: 1e-6, TieWordEmbeddings: false, HiddenAct: "silu")),
            new ModelFamily("qwen2", Qwen2Modules, new[] { "q_proj", "v_proj" }, GatedMlp: true, NormHasBias: false, LearnedPositions: false,
                new ConfigDefaults(MaxPositions: 32768, NormEpsilon: 1e-6, TieWordEmbeddings: false, HiddenAct: "silu")),
            // Qwen3: Llama's modules (biases only with attention_bias) and an RMSNorm over each head's query and key.
            new ModelFamily("qwen3", LlamaModules, new[] { "q_proj", "v_proj" }, GatedMlp: true, NormHasBias: false, LearnedPositions: false,
                new ConfigDefaults(MaxPositions: 32768, NormEpsilon: 1e-6, TieWordEmbeddings: false, HiddenAct: "silu")),
            new ModelFamily("phi3", Phi3Modules, new[] { "qkv_proj" }, GatedMlp: true, NormHasBias: false, LearnedPositions: false,
                new ConfigDefaults(MaxPositions: 4096, NormEpsilon: 1e-5, TieWordEmbeddings: false, HiddenAct: "silu")),
        };

        /// <summary>The RoPE frequency rules the runtime implements (<c>rope_type</c> in config.json's <c>rope_parameters</c> or
        /// <c>rope_scaling</c>); absent means default.</summary>
        public static IReadOnlyList<string> RopeTypes { get; } = new[] { "default", "llama3", "longrope" };

        /// <summary>The supported <c>model_type</c> values, for messages.</summary>
        public static IReadOnlyList<string> ModelTypes
        {
            get
            {
                var types = new List<string>(All.Count);
                foreach (var family in All)
                {
                    types.Add(family.ModelType);
                }

                return types;
            }
        }

        /// <summary>Finds a family by <c>model_type</c> (ordinal).</summary>
        /// <param name="modelType">The <c>model_type</c>.</param>
        /// <returns>The family, or null when unsupported.</returns>
        public static ModelFamily? Find(string? modelType)
        {
            foreach (var family in All)
            {
                if (string.Equals(family.ModelType, modelType, StringComparison.Ordinal))
                {
                    return family;
                }
            }

            return null;
        }
    }
}
