namespace Lora
{
    /// <summary>
    /// What a family's transformers config class (GPT2Config, LlamaConfig, ...) fills in when config.json lacks a key, so
    /// that Lora builds the model transformers would build from the same file.
    /// </summary>
    /// <param name="MaxPositions"><c>max_position_embeddings</c> (GPT-2 <c>n_positions</c>).</param>
    /// <param name="NormEpsilon"><c>rms_norm_eps</c> (GPT-2 <c>layer_norm_epsilon</c>).</param>
    /// <param name="TieWordEmbeddings"><c>tie_word_embeddings</c>.</param>
    /// <param name="HiddenAct"><c>hidden_act</c> (GPT-2 <c>activation_function</c>, Gemma <c>hidden_activation</c>).</param>
    public sealed record ConfigDefaults(int MaxPositions, double NormEpsilon, bool TieWordEmbeddings, string HiddenAct)
    {
        /// <summary><c>head_dim</c>; null: hidden_size / num_attention_heads (Gemma's classes say 256).</summary>
        public int? HeadDim { get; init; }

        /// <summary><c>num_key_value_heads</c>; null: num_attention_heads (Gemma's classes say 4).</summary>
        public int? NumKeyValueHeads { get; init; }

        /// <summary><c>rope_theta</c>, of the global layers where the layers differ (Gemma 3: 1,000,000).</summary>
        public double RopeTheta { get; init; } = 10000.0;

        /// <summary>Gemma 3's <c>rope_local_base_freq</c>, the rope base of its sliding-window layers; null where every layer has one base.</summary>
        public double? LocalRopeTheta { get; init; }

        /// <summary><c>query_pre_attn_scalar</c>: attention scores are scaled by its inverse square root (Gemma); null: by head_dim's.</summary>
        public double? QueryPreAttnScalar { get; init; }

        /// <summary><c>attn_logit_softcapping</c> (Gemma 2: 50); null: attention scores uncapped.</summary>
        public double? AttnLogitSoftcapping { get; init; }

        /// <summary><c>final_logit_softcapping</c> (Gemma 2: 30); null: logits uncapped.</summary>
        public double? FinalLogitSoftcapping { get; init; }

        /// <summary><c>sliding_window</c> of the layers that attend to a window of recent tokens; null where no layer does.</summary>
        public int? SlidingWindow { get; init; }

        /// <summary>
        /// Without <c>layer_types</c>, every this-many-th layer attends globally and the others through the window (Gemma 2: 2,
        /// even layers sliding; Gemma 3: 6, its <c>sliding_window_pattern</c>); 0 where no layer slides.
        /// </summary>
        public int SlidingWindowPattern { get; init; }
    }
}
