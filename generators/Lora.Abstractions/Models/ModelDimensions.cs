namespace Lora
{
    /// <summary>The sizes of a decoder-only transformer, as read from its <c>config.json</c>.</summary>
    /// <param name="ModelType">The Hugging Face <c>model_type</c>.</param>
    /// <param name="VocabSize">Tokens in the vocabulary (<c>vocab_size</c>).</param>
    /// <param name="HiddenSize">Model width (<c>hidden_size</c>, GPT-2 <c>n_embd</c>).</param>
    /// <param name="NumLayers">Transformer blocks (<c>num_hidden_layers</c>, GPT-2 <c>n_layer</c>).</param>
    /// <param name="IntermediateSize">MLP width (<c>intermediate_size</c>, GPT-2 <c>n_inner</c> or 4 × width).</param>
    /// <param name="NumHeads">Query heads (<c>num_attention_heads</c>, GPT-2 <c>n_head</c>).</param>
    /// <param name="NumKeyValueHeads">Key/value heads (<c>num_key_value_heads</c>; equal to query heads without GQA).</param>
    /// <param name="HeadDim">Width of one head (<c>head_dim</c>, else width / heads).</param>
    /// <param name="TiedEmbeddings">Whether the output head shares the input embedding (<c>tie_word_embeddings</c>).</param>
    /// <param name="MaxPositions">Longest sequence the model was built for (<c>max_position_embeddings</c>, GPT-2 <c>n_positions</c>).</param>
    public sealed record ModelDimensions(
        string ModelType,
        int VocabSize,
        int HiddenSize,
        int NumLayers,
        int IntermediateSize,
        int NumHeads,
        int NumKeyValueHeads,
        int HeadDim,
        bool TiedEmbeddings,
        int MaxPositions)
    {
        /// <summary>Width of all query heads together.</summary>
        public int QueryWidth => NumHeads * HeadDim;

        /// <summary>Width of all key (or value) heads together.</summary>
        public int KeyValueWidth => NumKeyValueHeads * HeadDim;
    }
}
