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
                new ConfigDefaults(MaxPositions: 32768, NormEpsilon: 1e-6, TieWordEmbeddings: false, HiddenAct: "silu") { HeadDim = 128 }) { QkNorm = true },
            new ModelFamily("phi3", Phi3Modules, new[] { "qkv_proj" }, GatedMlp: true, NormHasBias: false, LearnedPositions: false,
                new ConfigDefaults(MaxPositions: 4096, NormEpsilon: 1e-5, TieWordEmbeddings: false, HiddenAct: "silu")),
            // Gemma 2: Llama's modules (biases only with attention_bias), norms after attention and MLP as well as before,
            // GELU-tanh, soft-capped attention scores and logits, every other layer attending through a sliding window.
            new ModelFamily(ModelConfigParser.Gemma2, LlamaModules, new[] { "q_proj", "v_proj" }, GatedMlp: true, NormHasBias: false, LearnedPositions: false,
                new ConfigDefaults(MaxPositions: 8192, NormEpsilon: 1e-6, TieWordEmbeddings: true, HiddenAct: "gelu_pytorch_tanh")
                {
                    HeadDim = 256, NumKeyValueHeads = 4, QueryPreAttnScalar = 256, AttnLogitSoftcapping = 50.0, FinalLogitSoftcapping = 30.0,
                    SlidingWindow = 4096, SlidingWindowPattern = 2,
                })
            { NormsPerLayer = 4 },
            // Gemma 3's text model: Gemma 2's blocks with a norm over each head's query and key instead of soft-capping, five
            // sliding-window layers to one global, and a rope base of their own for the sliding ones.
            new ModelFamily(ModelConfigParser.Gemma3Text, LlamaModules, new[] { "q_proj", "v_proj" }, GatedMlp: true, NormHasBias: false, LearnedPositions: false,
                new ConfigDefaults(MaxPositions: 131072, NormEpsilon: 1e-6, TieWordEmbeddings: true, HiddenAct: "gelu_pytorch_tanh")
                {
                    HeadDim = 256, NumKeyValueHeads = 4, RopeTheta = 1000000.0, LocalRopeTheta = 10000.0, QueryPreAttnScalar = 256,
                    SlidingWindow = 4096, SlidingWindowPattern = 6,
                })
            { NormsPerLayer = 4, QkNorm = true },
        };

        /// <summary>
        /// The RoPE frequency rules the runtime implements (<c>rope_type</c> in config.json's <c>rope_parameters</c> or
        /// <c>rope_scaling</c>), transformers 5's <c>ROPE_INIT_FUNCTIONS</c> but <c>proportional</c>; absent means default.
        /// Another type is refused at compile time (LORA0056) and when a model loads.
        /// </summary>
        public static IReadOnlyList<string> RopeTypes { get; } = new[] { "default", "llama3", "longrope", "linear", "yarn", "dynamic" };

        /// <summary>
        /// The MLP activations the runtime implements (<c>hidden_act</c>, Gemma's <c>hidden_activation</c>, GPT-2's
        /// <c>activation_function</c>), by transformers' <c>ACT2FN</c> names; another is refused at compile time (LORA0056).
        /// </summary>
        public static IReadOnlyList<string> HiddenActivations { get; } = new[] { "silu", "swish", "gelu", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "relu" };

        /// <summary>
        /// What to use instead of a <c>model_type</c> that is not supported but has a supported relative, as a clause to add to
        /// the refusal; empty for any other type.
        /// </summary>
        /// <param name="modelType">The unsupported <c>model_type</c>.</param>
        /// <returns>" (…)" or "".</returns>
        public static string Instead(string? modelType) => modelType == "gemma3"
            ? " (gemma3 is Gemma 3's image-and-text model, its text model's config inside text_config; Lora trains the text model alone, "
              + "model_type " + ModelConfigParser.Gemma3Text + ", as Gemma 3 1B ships it or as transformers saves Gemma3ForCausalLM)"
            : "";

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
