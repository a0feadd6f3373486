using Lora.Runtime.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>
/// Gemma 2 (<c>Gemma2ForCausalLM</c>) and Gemma 3's text model (<c>Gemma3ForCausalLM</c>): Llama's module names, grouped-query
/// attention, RoPE and gated MLP (GELU-tanh), with embeddings scaled by √hidden_size, norms that scale by 1 + weight and
/// sit after attention and the MLP as well as before, attention scaled by <c>query_pre_attn_scalar</c>, layers that attend
/// through a sliding window (<c>layer_types</c>), and soft-capped attention scores and logits where the config says so
/// (Gemma 2). Gemma 3 adds a norm over each head's query and key and a rope base of its own for the sliding layers.
/// </summary>
public sealed class GemmaModel : CausalLanguageModel
{
    readonly GemmaBackbone model;
    readonly LoraLinear? lm_head;

    public GemmaModel(ModelConfig config, ScalarType dtype)
        : base(config.ModelType == Lora.ModelConfigParser.Gemma2 ? "Gemma2ForCausalLM" : "Gemma3ForCausalLM", config, dtype)
    {
        model = new GemmaBackbone(config, dtype);
        register_module("model", model);
        if (!config.TieWordEmbeddings)
        {
            lm_head = new LoraLinear("lm_head", config.HiddenSize, config.VocabSize, hasBias: false, fanInFanOut: false, dtype);
            register_module("lm_head", lm_head);
        }
    }

    protected override ForwardContext MakeContext(Tensor? mask, Tensor positionIds, KvCache? cache)
    {
        var (cos, sin) = Rotary.Tables(positionIds, Config.RotaryDim, Config.RopeTheta, DType, Config.RopeScaling,
            RopeSequenceLength(Config.RopeScaling, (cache?.Length ?? 0) + positionIds.shape[1]));
        return new ForwardContext(mask, cos, sin, cache);
    }

    /// <summary>Gemma 3's sliding layers rotate by their own base (<c>rope_local_base_freq</c>); Gemma 2's share the global tables.</summary>
    protected override ForwardContext MakeLocalContext(ForwardContext global, Tensor? slidingMask, Tensor positionIds)
    {
        if (Config.LocalRopeTheta == Config.RopeTheta && Equals(Config.LocalRopeScaling, Config.RopeScaling))
            return global with { Mask = slidingMask };
        var (cos, sin) = Rotary.Tables(positionIds, Config.RotaryDim, Config.LocalRopeTheta, DType, Config.LocalRopeScaling,
            RopeSequenceLength(Config.LocalRopeScaling, (global.Cache?.Length ?? 0) + positionIds.shape[1]));
        return new ForwardContext(slidingMask, cos, sin, global.Cache);
    }

    protected override Tensor Backbone(Tensor inputIds, Tensor positionIds, ForwardContext context) => model.Forward(inputIds, context, RunLayer);

    public override string? OutputHeadName => lm_head is null ? null : "lm_head";

    /// <summary>hidden (…, H) → logits (…, V), soft-capped to c·tanh(logit / c) with <c>final_logit_softcapping</c> c.</summary>
    public override Tensor LogitsFrom(Tensor hidden)
    {
        var logits = lm_head is null ? TiedLogits(hidden, model.embed_tokens) : lm_head.forward(hidden);
        if (Config.FinalLogitSoftcapping is not double cap) return logits;
        using var scope = NewDisposeScope();
        return ((logits / cap).tanh() * cap).MoveToOuterDisposeScope();
    }

    protected override Training.LmHeadWeight? FrozenHeadWeight() =>
        (lm_head is null ? TiedHead(model.embed_tokens) : FrozenHead(lm_head))?.WithSoftcap(Config.FinalLogitSoftcapping);

    // Checkpoints written by older transformers carry the rotary inverse frequencies as a buffer.
    public override bool IsIgnorableCheckpointKey(string key) =>
        key.EndsWith(".rotary_emb.inv_freq") || (lm_head is null && key == "lm_head.weight");
}

sealed class GemmaBackbone : nn.Module
{
    public readonly EmbeddingTable embed_tokens;
    readonly ModuleList<GemmaDecoderLayer> layers = new();
    readonly RmsNorm norm;
    readonly double _embedScale;

    public GemmaBackbone(ModelConfig c, ScalarType dtype) : base("model")
    {
        embed_tokens = new EmbeddingTable("embed_tokens", c.VocabSize, c.HiddenSize, dtype);
        for (int i = 0; i < c.NumLayers; i++) layers.Add(new GemmaDecoderLayer(c, i, dtype));
        norm = new RmsNorm("norm", c.HiddenSize, c.NormEpsilon, dtype, onePlusWeight: true);
        register_module("embed_tokens", embed_tokens);
        register_module("layers", layers);
        register_module("norm", norm);
        // √hidden_size rounded to the compute dtype, as transformers casts it before multiplying (bf16 turns √3584 into 60).
        using var scale = tensor(Math.Sqrt(c.HiddenSize)).to_type(dtype);
        _embedScale = scale.to_type(ScalarType.Float64).item<double>();
    }

    public Tensor Forward(Tensor ids, ForwardContext ctx, Func<Func<Tensor, ForwardContext, Tensor>, Func<Tensor, ForwardContext, Tensor>, Tensor, ForwardContext, Tensor> runLayer)
    {
        var x = embed_tokens.forward(ids) * _embedScale;   // (B, T, H)
        for (int i = 0; i < layers.Count; i++)
            x = runLayer(layers[i].AttentionBlock, layers[i].MlpBlock, x, ctx);
        return norm.forward(x);
    }
}

sealed class GemmaDecoderLayer : nn.Module
{
    readonly RmsNorm input_layernorm, post_attention_layernorm, pre_feedforward_layernorm, post_feedforward_layernorm;
    readonly SelfAttention self_attn;
    readonly GatedMlp mlp;

    public GemmaDecoderLayer(ModelConfig c, int index, ScalarType dtype) : base(index.ToString())
    {
        input_layernorm = new RmsNorm("input_layernorm", c.HiddenSize, c.NormEpsilon, dtype, onePlusWeight: true);
        self_attn = new SelfAttention(c, index, dtype);
        post_attention_layernorm = new RmsNorm("post_attention_layernorm", c.HiddenSize, c.NormEpsilon, dtype, onePlusWeight: true);
        pre_feedforward_layernorm = new RmsNorm("pre_feedforward_layernorm", c.HiddenSize, c.NormEpsilon, dtype, onePlusWeight: true);
        mlp = new GatedMlp(c, dtype);
        post_feedforward_layernorm = new RmsNorm("post_feedforward_layernorm", c.HiddenSize, c.NormEpsilon, dtype, onePlusWeight: true);
        register_module("self_attn", self_attn);
        register_module("mlp", mlp);
        register_module("input_layernorm", input_layernorm);
        register_module("post_attention_layernorm", post_attention_layernorm);
        register_module("pre_feedforward_layernorm", pre_feedforward_layernorm);
        register_module("post_feedforward_layernorm", post_feedforward_layernorm);
    }

    /// <summary>x + norm(attention(norm(x))): the layer's first residual block. x (B, T, H) → (B, T, H).</summary>
    public Tensor AttentionBlock(Tensor x, ForwardContext ctx)
    {
        using var scope = NewDisposeScope();
        return (x + post_attention_layernorm.forward(self_attn.Forward(input_layernorm.forward(x), ctx))).MoveToOuterDisposeScope();
    }

    /// <summary>x + norm(mlp(norm(x))): the layer's second residual block. x (B, T, H) → (B, T, H).</summary>
    public Tensor MlpBlock(Tensor x, ForwardContext _)
    {
        using var scope = NewDisposeScope();
        return (x + post_feedforward_layernorm.forward(mlp.forward(pre_feedforward_layernorm.forward(x)))).MoveToOuterDisposeScope();
    }
}
