using System.Text.Json.Nodes;
using Lora.Runtime.Models;

namespace Lora.Tools.Pretraining;

/// <summary>
/// The Llama-architecture shape of a model pretrained from scratch; it becomes the model's <c>config.json</c>.
/// </summary>
/// <param name="VocabSize">Ids of the tokenizer: 50,257 for GPT-2's BPE.</param>
/// <param name="HiddenSize">Width of the residual stream.</param>
/// <param name="NumLayers">Decoder layers.</param>
/// <param name="NumHeads">Query heads; the head size is <c>HiddenSize / NumHeads</c>.</param>
/// <param name="NumKeyValueHeads">Key/value heads (grouped-query attention when fewer than the query heads).</param>
/// <param name="IntermediateSize">Width of the gated MLP.</param>
/// <param name="MaxPositionEmbeddings">Longest context the model is declared for.</param>
/// <param name="RopeTheta">Base of the rotary position frequencies.</param>
/// <param name="RmsNormEpsilon">Epsilon of every RMSNorm.</param>
/// <param name="TieWordEmbeddings">The LM head reuses the token embedding matrix.</param>
/// <param name="EndOfTextId">GPT-2's "&lt;|endoftext|&gt;": BOS, EOS and the separator between documents.</param>
public sealed record RecipeArchitecture(
    int VocabSize,
    int HiddenSize,
    int NumLayers,
    int NumHeads,
    int NumKeyValueHeads,
    int IntermediateSize,
    int MaxPositionEmbeddings,
    double RopeTheta,
    double RmsNormEpsilon,
    bool TieWordEmbeddings,
    int EndOfTextId)
{
    /// <summary>The Hugging Face <c>config.json</c> of a <c>LlamaForCausalLM</c> with this shape.</summary>
    public JsonObject ToConfigJson() => new()
    {
        ["architectures"] = new JsonArray("LlamaForCausalLM"),
        ["model_type"] = "llama",
        ["vocab_size"] = VocabSize,
        ["hidden_size"] = HiddenSize,
        ["num_hidden_layers"] = NumLayers,
        ["num_attention_heads"] = NumHeads,
        ["num_key_value_heads"] = NumKeyValueHeads,
        ["head_dim"] = HiddenSize / NumHeads,
        ["intermediate_size"] = IntermediateSize,
        ["max_position_embeddings"] = MaxPositionEmbeddings,
        ["rope_theta"] = RopeTheta,
        ["rms_norm_eps"] = RmsNormEpsilon,
        ["tie_word_embeddings"] = TieWordEmbeddings,
        ["hidden_act"] = "silu",
        ["attention_bias"] = false,
        ["mlp_bias"] = false,
        ["initializer_range"] = 0.02,
        ["bos_token_id"] = EndOfTextId,
        ["eos_token_id"] = EndOfTextId,
    };

    public ModelConfig ToModelConfig() => ModelConfig.Parse(ToConfigJson(), "recipe architecture");

    /// <summary>Problems that make the shape unusable, each naming the recipe field; empty when it is valid.</summary>
    public IEnumerable<string> Problems()
    {
        if (NumHeads <= 0 || HiddenSize % NumHeads != 0)
            yield return $"architecture.hiddenSize {HiddenSize} must be a positive multiple of architecture.numHeads {NumHeads}.";
        if (NumKeyValueHeads <= 0 || NumHeads % NumKeyValueHeads != 0)
            yield return $"architecture.numKeyValueHeads {NumKeyValueHeads} must divide architecture.numHeads {NumHeads}.";
        if (EndOfTextId < 0 || EndOfTextId >= VocabSize)
            yield return $"architecture.endOfTextId {EndOfTextId} must be an id below architecture.vocabSize {VocabSize}.";
        if (NumLayers <= 0 || IntermediateSize <= 0 || MaxPositionEmbeddings <= 0)
            yield return "architecture.numLayers, intermediateSize and maxPositionEmbeddings must be positive.";
    }
}
