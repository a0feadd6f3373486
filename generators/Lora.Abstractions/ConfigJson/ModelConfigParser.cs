using System;

namespace Lora
{
    /// <summary>
    /// The one reader of a Hugging Face <c>config.json</c>, used by the generator (at compile time) and by the runtime (when
    /// a model loads), so that both accept and refuse the same files: the keys and GPT-2's own names for them, the defaults
    /// of absent keys (<see cref="ModelFamily.ConfigDefaults"/>), the RoPE rules, and the size checks. Every refusal is a
    /// <see cref="ModelConfigException"/> naming the file and the key.
    /// </summary>
    public static class ModelConfigParser
    {
        /// <summary>GPT-2's <c>model_type</c>: its config keys are its own (<c>n_embd</c>, <c>n_layer</c>, ...).</summary>
        public const string Gpt2 = "gpt2";

        /// <summary>Reads <c>model_type</c> alone, for a caller that reports an unsupported family its own way.</summary>
        /// <param name="json">The file's top-level object.</param>
        /// <param name="path">The file, as messages name it.</param>
        /// <returns>The model type.</returns>
        /// <exception cref="ModelConfigException">When it is absent or not a string.</exception>
        public static string ModelType(IConfigValue json, string path) => new ConfigObjectReader(json, path).String("model_type");

        /// <summary>Reads and checks a whole config.json.</summary>
        /// <param name="json">The file's top-level object.</param>
        /// <param name="path">The file, as messages name it.</param>
        /// <returns>The values, absent keys filled in.</returns>
        /// <exception cref="ModelConfigException">When the model type is unsupported or a key is missing, mistyped or out of range.</exception>
        public static ModelConfigValues Parse(IConfigValue json, string path)
        {
            var config = new ConfigObjectReader(json, path);
            var type = config.String("model_type");
            var family = ModelFamilies.Find(type)
                ?? throw config.Error("model_type '" + type + "' is not supported; expected one of " + string.Join(", ", ModelFamilies.ModelTypes));
            return type == Gpt2 ? ParseGpt2(config, type, family.ConfigDefaults) : ParseDecoder(config, type, family.ConfigDefaults);
        }

        private static ModelConfigValues ParseGpt2(ConfigObjectReader config, string type, ConfigDefaults defaults)
        {
            int hidden = config.Int("n_embd"), layers = config.Int("n_layer"), heads = config.Int("n_head"), vocab = config.Int("vocab_size");
            ModelConfigChecks.Divides(heads, "n_head", hidden, "n_embd", config);
            var values = new ModelConfigValues
            {
                ModelType = type, VocabSize = vocab, HiddenSize = hidden, NumLayers = layers, NumHeads = heads, NumKeyValueHeads = heads, HeadDim = hidden / heads,
                // GPT2Config's n_inner=None: four times the width (capped, so that a huge width is refused as too large, not as negative).
                IntermediateSize = config.OptionalInt("n_inner") ?? (int)Math.Min(4L * hidden, int.MaxValue),
                MaxPositions = config.OptionalInt("n_positions") ?? defaults.MaxPositions,
                NormEpsilon = config.OptionalDouble("layer_norm_epsilon") ?? defaults.NormEpsilon, RopeTheta = RopeConfigParser.DefaultTheta,
                TieWordEmbeddings = config.OptionalBool("tie_word_embeddings") ?? defaults.TieWordEmbeddings,
                HiddenAct = config.OptionalString("activation_function") ?? defaults.HiddenAct,
                QkvBias = true, OutputBias = true, MlpBias = true,
                BosTokenId = config.OptionalInt("bos_token_id"), EosTokenIds = config.IntOrList("eos_token_id"), PadTokenId = config.OptionalInt("pad_token_id"),
            };
            return ModelConfigChecks.Sizes(values, ModelConfigChecks.Gpt2Keys, config);
        }

        private static ModelConfigValues ParseDecoder(ConfigObjectReader config, string type, ConfigDefaults defaults)
        {
            int hidden = config.Int("hidden_size"), layers = config.Int("num_hidden_layers"), heads = config.Int("num_attention_heads");
            int intermediate = config.Int("intermediate_size"), vocab = config.Int("vocab_size");
            var headDim = config.OptionalInt("head_dim");
            if (headDim is null)
            {
                ModelConfigChecks.Divides(heads, "num_attention_heads", hidden, "hidden_size", config);
                headDim = hidden / heads;
            }

            var positions = config.OptionalInt("max_position_embeddings") ?? defaults.MaxPositions;
            var (theta, scaling) = RopeConfigParser.Read(config, headDim.Value, positions);
            var attentionBias = config.OptionalBool("attention_bias") ?? false;
            var values = new ModelConfigValues
            {
                ModelType = type, VocabSize = vocab, HiddenSize = hidden, NumLayers = layers, NumHeads = heads,
                NumKeyValueHeads = config.OptionalInt("num_key_value_heads") ?? heads, HeadDim = headDim.Value,
                IntermediateSize = intermediate, MaxPositions = positions,
                NormEpsilon = config.OptionalDouble("rms_norm_eps") ?? defaults.NormEpsilon, RopeTheta = theta, RopeScaling = scaling, QkNorm = type == "qwen3",
                TieWordEmbeddings = config.OptionalBool("tie_word_embeddings") ?? defaults.TieWordEmbeddings,
                // Qwen2 always has q/k/v biases and never an output one; attention_bias adds both (Llama).
                QkvBias = type == "qwen2" || attentionBias, OutputBias = type != "qwen2" && attentionBias,
                MlpBias = config.OptionalBool("mlp_bias") ?? false, HiddenAct = config.OptionalString("hidden_act") ?? defaults.HiddenAct,
                BosTokenId = config.OptionalInt("bos_token_id"), EosTokenIds = config.IntOrList("eos_token_id"), PadTokenId = config.OptionalInt("pad_token_id"),
            };
            ModelConfigChecks.Sizes(values, ModelConfigChecks.LlamaKeys, config);
            ModelConfigChecks.Divides(values.NumKeyValueHeads, "num_key_value_heads", values.NumHeads, "num_attention_heads", config);
            return values;
        }
    }
}
