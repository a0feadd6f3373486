using System;
using System.Linq;

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

        /// <summary>Gemma 2's <c>model_type</c>.</summary>
        public const string Gemma2 = "gemma2";

        /// <summary>Gemma 3's text model's <c>model_type</c> (Gemma3ForCausalLM; the image-and-text model is <c>gemma3</c>).</summary>
        public const string Gemma3Text = "gemma3_text";

        /// <summary>Phi-3's <c>model_type</c> (Phi-3, Phi-3.5, Phi-4-mini): fused projections, a partial rotary factor, dropout keys of its own.</summary>
        public const string Phi3 = "phi3";

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
                ?? throw config.Error("model_type '" + type + "' is not supported; expected one of " + string.Join(", ", ModelFamilies.ModelTypes) + ModelFamilies.Instead(type));
            return type == Gpt2 ? ParseGpt2(config, type, family.ConfigDefaults) : ParseDecoder(config, family);
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
                LocalRopeTheta = RopeConfigParser.DefaultTheta, AttentionScale = 1 / Math.Sqrt(hidden / heads),
                TieWordEmbeddings = config.OptionalBool("tie_word_embeddings") ?? defaults.TieWordEmbeddings,
                HiddenAct = Activation(config, "activation_function", defaults.HiddenAct),
                QkvBias = true, OutputBias = true, MlpBias = true,
                BosTokenId = config.OptionalInt("bos_token_id"), EosTokenIds = config.IntOrList("eos_token_id"), PadTokenId = config.OptionalInt("pad_token_id"),
            };
            // GPT2Config's attention-scaling switches: the runtime implements their defaults only.
            if (config.OptionalBool("scale_attn_weights") == false)
            {
                throw config.Unsupported("scale_attn_weights false (attention scores not divided by √head_dim) is not supported; expected true");
            }

            if (config.OptionalBool("scale_attn_by_inverse_layer_idx") == true)
            {
                throw config.Unsupported("scale_attn_by_inverse_layer_idx true is not supported; expected false");
            }

            return ModelConfigChecks.Sizes(values, ModelConfigChecks.Gpt2Keys, config);
        }

        /// <summary>The MLP activation under <paramref name="key"/>, or the family's; one the runtime lacks is refused.</summary>
        private static string Activation(ConfigObjectReader config, string key, string defaultName)
        {
            var name = config.OptionalString(key) ?? defaultName;
            return ModelFamilies.HiddenActivations.Contains(name)
                ? name
                : throw config.Unsupported(key + " '" + name + "' is not supported; expected one of " + string.Join(", ", ModelFamilies.HiddenActivations));
        }

        private static ModelConfigValues ParseDecoder(ConfigObjectReader config, ModelFamily family)
        {
            var (type, defaults) = (family.ModelType, family.ConfigDefaults);
            var gemma = type == Gemma2 || type == Gemma3Text;
            int hidden = config.Int("hidden_size"), layers = config.Int("num_hidden_layers"), heads = config.Int("num_attention_heads");
            int intermediate = config.Int("intermediate_size"), vocab = config.Int("vocab_size");
            var headDim = config.OptionalInt("head_dim") ?? defaults.HeadDim;
            if (headDim is null)
            {
                ModelConfigChecks.Divides(heads, "num_attention_heads", hidden, "hidden_size", config);
                headDim = hidden / heads;
            }

            var positions = config.OptionalInt("max_position_embeddings") ?? defaults.MaxPositions;
            var (theta, scaling, rotaryDim) = type == Gemma3Text
                ? WithRotaryDim(RopeConfigParser.ReadGlobal(config, headDim.Value, positions, defaults.RopeTheta), headDim.Value)
                : RopeConfigParser.Read(config, headDim.Value, positions, defaults.RopeTheta, partialRotary: type == Phi3);
            RefuseDropout(config, "attention_dropout");
            if (type == Phi3)
            {
                RefuseDropout(config, "resid_pdrop");
                RefuseDropout(config, "embd_pdrop");
            }

            var attentionBias = config.OptionalBool("attention_bias") ?? false;
            var values = new ModelConfigValues
            {
                ModelType = type, VocabSize = vocab, HiddenSize = hidden, NumLayers = layers, NumHeads = heads,
                NumKeyValueHeads = config.OptionalInt("num_key_value_heads") ?? defaults.NumKeyValueHeads ?? heads, HeadDim = headDim.Value,
                IntermediateSize = intermediate, MaxPositions = positions,
                NormEpsilon = config.OptionalDouble("rms_norm_eps") ?? defaults.NormEpsilon,
                RopeTheta = theta, RopeScaling = scaling, RotaryDim = rotaryDim, LocalRopeTheta = theta, LocalRopeScaling = scaling, QkNorm = family.QkNorm,
                AttentionScale = 1 / Math.Sqrt(headDim.Value),
                TieWordEmbeddings = config.OptionalBool("tie_word_embeddings") ?? defaults.TieWordEmbeddings,
                // Qwen2 always has q/k/v biases and never an output one; attention_bias adds both (Llama). Gemma's MLP has none.
                QkvBias = type == "qwen2" || attentionBias, OutputBias = type != "qwen2" && attentionBias,
                MlpBias = !gemma && (config.OptionalBool("mlp_bias") ?? false),
                // Gemma's classes read hidden_activation and leave hidden_act alone.
                HiddenAct = Activation(config, gemma ? "hidden_activation" : "hidden_act", defaults.HiddenAct),
                BosTokenId = config.OptionalInt("bos_token_id"), EosTokenIds = config.IntOrList("eos_token_id"), PadTokenId = config.OptionalInt("pad_token_id"),
            };
            ModelConfigChecks.Sizes(values, ModelConfigChecks.LlamaKeys, config);
            ModelConfigChecks.Divides(values.NumKeyValueHeads, "num_key_value_heads", values.NumHeads, "num_attention_heads", config);
            return gemma ? ParseGemma(config, values, defaults) : WithSlidingWindow(config, values);
        }

        private static (double Theta, RopeScaling? Scaling, int RotaryDim) WithRotaryDim((double Theta, RopeScaling? Scaling) rope, int headDim) =>
            (rope.Theta, rope.Scaling, headDim);

        /// <summary>
        /// A dropout key must be 0 (absent is): transformers drops activations with it while training, which Lora does not, so
        /// a non-zero rate would be trained without. Every released checkpoint of these families has 0.
        /// </summary>
        private static void RefuseDropout(ConfigObjectReader config, string key)
        {
            if (config.OptionalDouble(key) is double rate && rate != 0)
            {
                throw config.Unsupported(key + " " + ModelConfigChecks.Text(rate) + " is not supported (transformers applies that dropout while training; "
                    + "Lora trains without it); expected 0.0");
            }
        }

        /// <summary>
        /// The sliding-window attention of the Llama-style families, as their transformers 5 config classes set it: Qwen2 and
        /// Qwen3 slide only with <c>use_sliding_window</c> (window <c>sliding_window</c>, default 4096), in the layers from
        /// <c>max_window_layers</c> (default 28) on, unless <c>layer_types</c> names them; Mistral slides every layer through
        /// <c>sliding_window</c> (absent: 4096; null: no window); Phi-3 every layer when <c>sliding_window</c> is set. Llama
        /// has no window.
        /// </summary>
        private static ModelConfigValues WithSlidingWindow(ConfigObjectReader config, ModelConfigValues values)
        {
            const int DefaultWindow = 4096, DefaultFullLayers = 28;
            int layers = values.NumLayers;
            int? window;
            bool[] sliding;
            switch (values.ModelType)
            {
                case "qwen2":
                case "qwen3":
                    window = config.OptionalBool("use_sliding_window") == true ? (config.Has("sliding_window") ? config.OptionalInt("sliding_window") : DefaultWindow) : null;
                    var fullLayers = config.OptionalInt("max_window_layers") ?? DefaultFullLayers;
                    sliding = LayerTypes(config, layers) ?? Enumerable.Range(0, layers).Select(i => window is not null && i >= fullLayers).ToArray();
                    if (sliding.Contains(true) && window is null)
                    {
                        throw config.Error("layer_types names sliding_attention layers but use_sliding_window is not true (no sliding_window); expected "
                            + "use_sliding_window true with a sliding_window, or only full_attention layers");
                    }

                    break;
                case "mistral":
                    window = config.Has("sliding_window") ? config.OptionalInt("sliding_window") : DefaultWindow;
                    sliding = Enumerable.Repeat(window is not null, layers).ToArray();
                    if (LayerTypes(config, layers) is { } types && !types.SequenceEqual(sliding))
                    {
                        throw config.Unsupported("layer_types differs from what Mistral's sliding_window gives every layer ("
                            + (window is null ? "full_attention" : "sliding_attention") + "); transformers' Mistral classes ignore layer_types "
                            + "(Ministral's read them): expected it absent or matching");
                    }

                    break;
                case Phi3:
                    window = config.OptionalInt("sliding_window");
                    sliding = Enumerable.Repeat(window is not null, layers).ToArray();
                    break;
                default:
                    return values;
            }

            if (!sliding.Contains(true))
            {
                return values;
            }

            if (window is not > 0)
            {
                throw config.Error("sliding_window is " + ModelConfigChecks.Text(window ?? 0) + "; expected a positive number of tokens for the sliding-window layers");
            }

            return values with { SlidingWindow = window, SlidingLayers = sliding };
        }

        /// <summary>
        /// <c>layer_types</c> as a flag per layer (true: "sliding_attention", false: "full_attention"); null when absent.
        /// </summary>
        private static bool[]? LayerTypes(ConfigObjectReader config, int layers)
        {
            if (config.OptionalStrings("layer_types") is not { } types)
            {
                return null;
            }

            if (types.Count != layers)
            {
                throw config.Error("layer_types has " + ModelConfigChecks.Text(types.Count) + (types.Count == 1 ? " entry" : " entries") + "; expected one per layer (num_hidden_layers "
                    + ModelConfigChecks.Text(layers) + ")");
            }

            var sliding = new bool[layers];
            for (var i = 0; i < layers; i++)
            {
                sliding[i] = types[i] switch
                {
                    "sliding_attention" => true,
                    "full_attention" => false,
                    _ => throw config.Error("layer_types[" + ModelConfigChecks.Text(i) + "] is \"" + types[i] + "\"; expected \"sliding_attention\" or \"full_attention\""),
                };
            }

            return sliding;
        }

        /// <summary>
        /// Gemma 2 and Gemma 3's own keys: the attention scale, the soft-capping (JSON null: none), which layers attend through
        /// the sliding window (<c>layer_types</c>, else the family's pattern; Gemma 3's <c>sliding_window_pattern</c>) and, for
        /// Gemma 3, the sliding layers' rope base.
        /// </summary>
        private static ModelConfigValues ParseGemma(ConfigObjectReader config, ModelConfigValues values, ConfigDefaults defaults)
        {
            if (config.OptionalBool("use_bidirectional_attention") == true)
            {
                throw config.Error("use_bidirectional_attention is true (an embedding model's encoder); expected false or absent: Lora trains causal language models");
            }

            double Positive(string key, double? value) => value is double v && (!ModelConfigChecks.IsFinite(v) || v <= 0)
                ? throw config.Error(key + " is " + ModelConfigChecks.Text(v) + "; expected a positive number")
                : value ?? 0;

            var scalar = Positive("query_pre_attn_scalar", config.OptionalDouble("query_pre_attn_scalar") ?? defaults.QueryPreAttnScalar ?? values.HeadDim);
            var attentionCap = config.OptionalDoubleOrNull("attn_logit_softcapping", defaults.AttnLogitSoftcapping);
            var finalCap = config.OptionalDoubleOrNull("final_logit_softcapping", defaults.FinalLogitSoftcapping);
            Positive("attn_logit_softcapping", attentionCap);
            Positive("final_logit_softcapping", finalCap);
            // transformers caps attention scores in its eager, flex and flash attention, not in SDPA, its default: the
            // attention implementation config.json names (attn_implementation, as transformers reads it) decides.
            if (!CapsAttentionScores(config.OptionalString("attn_implementation")))
            {
                attentionCap = null;
            }

            var sliding = SlidingLayers(config, values.NumLayers, values.ModelType == Gemma3Text, defaults.SlidingWindowPattern);
            var window = config.OptionalInt("sliding_window") ?? defaults.SlidingWindow;
            if (sliding.Contains(true) && window is not > 0)
            {
                throw config.Error("sliding_window is " + ModelConfigChecks.Text(window ?? 0) + "; expected a positive number of tokens for the sliding-window layers");
            }

            var (localTheta, localScaling) = values.ModelType == Gemma3Text
                ? RopeConfigParser.ReadLocal(config, values.HeadDim, values.MaxPositions, defaults.LocalRopeTheta ?? defaults.RopeTheta)
                : (values.RopeTheta, values.RopeScaling);
            if (!ModelConfigChecks.IsFinite(localTheta) || localTheta <= 0)
            {
                throw config.Error("the sliding-window layers' rope_theta is " + ModelConfigChecks.Text(localTheta) + "; expected a positive number");
            }

            return values with
            {
                AttentionScale = 1 / Math.Sqrt(scalar), AttnLogitSoftcapping = attentionCap, FinalLogitSoftcapping = finalCap,
                SlidingWindow = sliding.Contains(true) ? window : null, SlidingLayers = sliding.Contains(true) ? sliding : Array.Empty<bool>(),
                LocalRopeTheta = localTheta, LocalRopeScaling = localScaling,
            };
        }

        /// <summary>
        /// Whether transformers' attention implementation of that name applies <c>attn_logit_softcapping</c>: eager, flex
        /// and flash attention do; SDPA (the default, when config.json names none) does not.
        /// </summary>
        private static bool CapsAttentionScores(string? implementation) =>
            implementation == "eager" || implementation == "flex_attention" || implementation == "flash_attention_2" || implementation == "flash_attention_3";

        /// <summary>
        /// Per layer, whether it slides: <c>layer_types</c> ("sliding_attention" or "full_attention", one per layer) or, without
        /// it, every layer but each pattern-th (Gemma 3 reads its pattern from <c>sliding_window_pattern</c>, as saved by
        /// transformers 4, or <c>_sliding_window_pattern</c>, as saved by transformers 5).
        /// </summary>
        private static bool[] SlidingLayers(ConfigObjectReader config, int layers, bool readsPattern, int defaultPattern)
        {
            if (LayerTypes(config, layers) is { } types)
            {
                return types;
            }

            var pattern = (readsPattern ? config.OptionalInt("sliding_window_pattern") ?? config.OptionalInt("_sliding_window_pattern") : null) ?? defaultPattern;
            if (pattern <= 0)
            {
                throw config.Error("sliding_window_pattern is " + ModelConfigChecks.Text(pattern) + "; expected a positive count of layers");
            }

            var patterned = new bool[layers];
            for (var i = 0; i < layers; i++)
            {
                patterned[i] = (i + 1) % pattern != 0;
            }

            return patterned;
        }
    }
}
