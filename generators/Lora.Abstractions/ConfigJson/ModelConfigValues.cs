using System.Collections.Generic;

namespace Lora
{
    /// <summary>
    /// Everything Lora reads from a Hugging Face <c>config.json</c>, each family's key names (GPT-2's <c>n_embd</c>,
    /// Llama's <c>hidden_size</c>) resolved to one vocabulary and absent keys filled in as transformers' config class does.
    /// Made by <see cref="ModelConfigParser"/>; the runtime's model config adds the file's own JSON.
    /// </summary>
    public record ModelConfigValues
    {
        /// <summary>The Hugging Face <c>model_type</c>, one of <see cref="ModelFamilies.ModelTypes"/>.</summary>
        public string ModelType { get; init; } = "";

        /// <summary>Tokens in the vocabulary (<c>vocab_size</c>).</summary>
        public int VocabSize { get; init; }

        /// <summary>Model width (<c>hidden_size</c>, GPT-2 <c>n_embd</c>).</summary>
        public int HiddenSize { get; init; }

        /// <summary>Transformer blocks (<c>num_hidden_layers</c>, GPT-2 <c>n_layer</c>).</summary>
        public int NumLayers { get; init; }

        /// <summary>Query heads (<c>num_attention_heads</c>, GPT-2 <c>n_head</c>).</summary>
        public int NumHeads { get; init; }

        /// <summary>Key/value heads (<c>num_key_value_heads</c>; the query heads without GQA).</summary>
        public int NumKeyValueHeads { get; init; }

        /// <summary>Width of one head (<c>head_dim</c>, else width / heads).</summary>
        public int HeadDim { get; init; }

        /// <summary>MLP width (<c>intermediate_size</c>, GPT-2 <c>n_inner</c> or 4 × width).</summary>
        public int IntermediateSize { get; init; }

        /// <summary>Longest sequence the model was built for (<c>max_position_embeddings</c>, GPT-2 <c>n_positions</c>).</summary>
        public int MaxPositions { get; init; }

        /// <summary>The norms' epsilon (<c>rms_norm_eps</c>, GPT-2 <c>layer_norm_epsilon</c>).</summary>
        public double NormEpsilon { get; init; }

        /// <summary>The RoPE base (<c>rope_theta</c>, at the top level or in the rope parameters).</summary>
        public double RopeTheta { get; init; }

        /// <summary>The RoPE frequency rule when it is not the default; null for the default.</summary>
        public RopeScaling? RopeScaling { get; init; }

        /// <summary>
        /// The leading channels of each head that RoPE rotates: head_dim × <c>partial_rotary_factor</c> (Phi-3's family, e.g.
        /// Phi-4-mini's 0.75), the rest passed through; head_dim elsewhere.
        /// </summary>
        public int RotaryDim { get; init; }

        /// <summary>Qwen3, Gemma 3: an RMSNorm over each head's query and key (<c>q_norm</c>, <c>k_norm</c>), before the rotation.</summary>
        public bool QkNorm { get; init; }

        /// <summary>
        /// The rope base of the sliding-window layers (Gemma 3's <c>rope_local_base_freq</c> or
        /// <c>rope_parameters.sliding_attention</c>); elsewhere <see cref="RopeTheta"/>.
        /// </summary>
        public double LocalRopeTheta { get; init; }

        /// <summary>The sliding-window layers' RoPE rule when it is not the default (null elsewhere).</summary>
        public RopeScaling? LocalRopeScaling { get; init; }

        /// <summary>Attention scores are scaled by this (Gemma: <c>query_pre_attn_scalar</c>^-½; else head_dim^-½).</summary>
        public double AttentionScale { get; init; }

        /// <summary>
        /// Gemma 2's <c>attn_logit_softcapping</c> c: scores become c·tanh(score / c) before the mask; null: uncapped. As in
        /// transformers, it applies only when config.json's <c>attn_implementation</c> is eager (or flex or flash attention);
        /// transformers' default attention, SDPA, leaves it out.
        /// </summary>
        public double? AttnLogitSoftcapping { get; init; }

        /// <summary>Gemma 2's <c>final_logit_softcapping</c> c: logits become c·tanh(logit / c); null: uncapped.</summary>
        public double? FinalLogitSoftcapping { get; init; }

        /// <summary>
        /// The window of the sliding-window layers (<c>sliding_window</c>): a query at position p sees keys p − window + 1 … p.
        /// Null when no layer slides.
        /// </summary>
        public int? SlidingWindow { get; init; }

        /// <summary>Per layer, whether it attends through <see cref="SlidingWindow"/> (<c>layer_types</c>); empty when none does.</summary>
        public IReadOnlyList<bool> SlidingLayers { get; init; } = System.Array.Empty<bool>();

        /// <summary>Whether the output head shares the input embedding (<c>tie_word_embeddings</c>).</summary>
        public bool TieWordEmbeddings { get; init; }

        /// <summary>Bias on q/k/v projections (GPT-2 and Qwen2 always; Llama when <c>attention_bias</c>).</summary>
        public bool QkvBias { get; init; }

        /// <summary>Bias on the attention output projection (GPT-2 always; Llama's <c>attention_bias</c>).</summary>
        public bool OutputBias { get; init; }

        /// <summary>Bias on the MLP projections (GPT-2 always; Llama's <c>mlp_bias</c>).</summary>
        public bool MlpBias { get; init; }

        /// <summary>The MLP activation (<c>hidden_act</c>, GPT-2 <c>activation_function</c>).</summary>
        public string HiddenAct { get; init; } = "";

        /// <summary><c>bos_token_id</c>, or null.</summary>
        public int? BosTokenId { get; init; }

        /// <summary><c>eos_token_id</c>: one id or a list; empty when absent.</summary>
        public IReadOnlyList<int> EosTokenIds { get; init; } = System.Array.Empty<int>();

        /// <summary><c>pad_token_id</c>, or null.</summary>
        public int? PadTokenId { get; init; }

        /// <summary>Whether this is GPT-2, whose blocks and key names differ from the Llama-style families.</summary>
        public bool IsGpt2 => ModelType == ModelConfigParser.Gpt2;

        /// <summary>
        /// Whether this is Gemma 2 or Gemma 3's text model: norms that scale by 1 + weight, before and after attention and the
        /// MLP; embeddings scaled by √hidden_size; GELU-tanh.
        /// </summary>
        public bool IsGemma => ModelType == ModelConfigParser.Gemma2 || ModelType == ModelConfigParser.Gemma3Text;

        /// <summary>The sizes the memory estimator and the generator's checks use.</summary>
        public ModelDimensions Dimensions => new(ModelType, VocabSize, HiddenSize, NumLayers, IntermediateSize, NumHeads, NumKeyValueHeads, HeadDim, TieWordEmbeddings, MaxPositions);
    }
}
