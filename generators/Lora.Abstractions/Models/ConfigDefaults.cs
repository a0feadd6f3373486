namespace Lora
{
    /// <summary>
    /// What a family's transformers config class (GPT2Config, LlamaConfig, ...) fills in when config.json lacks a key, so
    /// that Lora builds the model transformers would build from the same file.
    /// </summary>
    /// <param name="MaxPositions"><c>max_position_embeddings</c> (GPT-2 <c>n_positions</c>).</param>
    /// <param name="NormEpsilon"><c>rms_norm_eps</c> (GPT-2 <c>layer_norm_epsilon</c>).</param>
    /// <param name="TieWordEmbeddings"><c>tie_word_embeddings</c>.</param>
    /// <param name="HiddenAct"><c>hidden_act</c> (GPT-2 <c>activation_function</c>).</param>
    public sealed record ConfigDefaults(int MaxPositions, double NormEpsilon, bool TieWordEmbeddings, string HiddenAct);
}
