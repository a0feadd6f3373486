using Lora.Runtime.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>
/// The Llama family (<c>LlamaForCausalLM</c>): Llama (Llama 3's RoPE too), Mistral, Qwen2 (q/k/v bias), Qwen3 (an RMSNorm
/// over each head's query and key) and Phi-3 (fused <c>qkv_proj</c> and <c>gate_up_proj</c>). RMSNorm, rotary positions,
/// grouped-query attention, gated MLP.
/// </summary>
public sealed class LlamaModel : CausalLanguageModel
{
    readonly LlamaBackbone model;
    readonly LoraLinear? lm_head;

    public LlamaModel(ModelConfig config, ScalarType dtype) : base("LlamaForCausalLM", config, dtype)
    {
        model = new LlamaBackbone(config, dtype);
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

    protected override Tensor Backbone(Tensor inputIds, Tensor positionIds, ForwardContext context) => model.Forward(inputIds, context, RunLayer);

    public override string? OutputHeadName => lm_head is null ? null : "lm_head";

    public override Tensor LogitsFrom(Tensor hidden) => lm_head is null ? TiedLogits(hidden, model.embed_tokens) : lm_head.forward(hidden);

    protected override Training.LmHeadWeight? FrozenHeadWeight() => lm_head is null ? TiedHead(model.embed_tokens) : FrozenHead(lm_head);

    // Checkpoints written by transformers < 4.31 carry the rotary inverse frequencies as a buffer.
    public override bool IsIgnorableCheckpointKey(string key) =>
        key.EndsWith(".rotary_emb.inv_freq") || (lm_head is null && key == "lm_head.weight");
}

sealed class LlamaBackbone : nn.Module
{
    public readonly EmbeddingTable embed_tokens;
    readonly ModuleList<DecoderLayer> layers = new();
    readonly RmsNorm norm;

    public LlamaBackbone(ModelConfig c, ScalarType dtype) : base("model")
    {
        embed_tokens = new EmbeddingTable("embed_tokens", c.VocabSize, c.HiddenSize, dtype);
        for (int i = 0; i < c.NumLayers; i++) layers.Add(new DecoderLayer(c, i, dtype));
        norm = new RmsNorm("norm", c.HiddenSize, c.NormEpsilon, dtype);
        register_module("embed_tokens", embed_tokens);
        register_module("layers", layers);
        register_module("norm", norm);
    }

    public Tensor Forward(Tensor ids, ForwardContext ctx, Func<Func<Tensor, ForwardContext, Tensor>, Func<Tensor, ForwardContext, Tensor>, Tensor, ForwardContext, Tensor> runLayer)
    {
        var x = embed_tokens.forward(ids);              // (B, T, H)
        for (int i = 0; i < layers.Count; i++)
            x = runLayer(layers[i].AttentionBlock, layers[i].MlpBlock, x, ctx);
        return norm.forward(x);
    }
}

sealed class DecoderLayer : nn.Module
{
    readonly RmsNorm input_layernorm, post_attention_layernorm;
    readonly SelfAttention self_attn;
    readonly GatedMlp mlp;

    public DecoderLayer(ModelConfig c, int index, ScalarType dtype) : base(index.ToString())
    {
        input_layernorm = new RmsNorm("input_layernorm", c.HiddenSize, c.NormEpsilon, dtype);
        self_attn = new SelfAttention(c, index, dtype);
        post_attention_layernorm = new RmsNorm("post_attention_layernorm", c.HiddenSize, c.NormEpsilon, dtype);
        mlp = new GatedMlp(c, dtype);
        register_module("self_attn", self_attn);
        register_module("mlp", mlp);
        register_module("input_layernorm", input_layernorm);
        register_module("post_attention_layernorm", post_attention_layernorm);
    }

    /// <summary>x + attention(norm(x)): the layer's first residual block. x (B, T, H) → (B, T, H).</summary>
    public Tensor AttentionBlock(Tensor x, ForwardContext ctx)
    {
        using var scope = NewDisposeScope();
        return (x + self_attn.Forward(input_layernorm.forward(x), ctx)).MoveToOuterDisposeScope();
    }

    /// <summary>x + mlp(norm(x)): the layer's second residual block. x (B, T, H) → (B, T, H).</summary>
    public Tensor MlpBlock(Tensor x, ForwardContext _)
    {
        using var scope = NewDisposeScope();
        return (x + mlp.forward(post_attention_layernorm.forward(x))).MoveToOuterDisposeScope();
    }
}

sealed class SelfAttention : nn.Module
{
    // Separate q/k/v (Llama, Mistral, Qwen2, Gemma) or one fused qkv_proj (Phi-3).
    readonly LoraLinear? q_proj, k_proj, v_proj, qkv_proj;
    readonly LoraLinear o_proj;
    readonly RmsNorm? q_norm, k_norm;
    readonly int _heads, _kvHeads, _headDim, _layer;
    readonly double _scale;
    readonly double? _softcap;
    readonly bool _sliding;

    public SelfAttention(ModelConfig c, int layer, ScalarType dtype) : base("self_attn")
    {
        (_heads, _kvHeads, _headDim, _layer) = (c.NumHeads, c.NumKeyValueHeads, c.HeadDim, layer);
        (_scale, _softcap) = (c.AttentionScale, c.AttnLogitSoftcapping);
        _sliding = layer < c.SlidingLayers.Count && c.SlidingLayers[layer];   // Gemma: this layer attends through the window
        long q = c.NumHeads * c.HeadDim, kv = c.NumKeyValueHeads * c.HeadDim;
        if (c.ModelType == "phi3")
        {
            qkv_proj = new LoraLinear("qkv_proj", c.HiddenSize, q + 2 * kv, c.QkvBias, false, dtype);
            register_module("qkv_proj", qkv_proj);
        }
        else
        {
            q_proj = new LoraLinear("q_proj", c.HiddenSize, q, c.QkvBias, false, dtype);
            k_proj = new LoraLinear("k_proj", c.HiddenSize, kv, c.QkvBias, false, dtype);
            v_proj = new LoraLinear("v_proj", c.HiddenSize, kv, c.QkvBias, false, dtype);
            register_module("q_proj", q_proj);
            register_module("k_proj", k_proj);
            register_module("v_proj", v_proj);
        }
        o_proj = new LoraLinear("o_proj", q, c.HiddenSize, c.OutputBias, false, dtype);
        register_module("o_proj", o_proj);
        if (c.QkNorm)
        {
            q_norm = new RmsNorm("q_norm", c.HeadDim, c.NormEpsilon, dtype, onePlusWeight: c.IsGemma);
            k_norm = new RmsNorm("k_norm", c.HeadDim, c.NormEpsilon, dtype, onePlusWeight: c.IsGemma);
            register_module("q_norm", q_norm);
            register_module("k_norm", k_norm);
        }
    }

    public Tensor Forward(Tensor x, ForwardContext ctx)
    {
        // Scoped so that q, k, v and their rotated copies are freed when the block returns, not when the layer does
        // (without gradients, as in checkpointed or evaluation forwards, nothing else keeps them).
        using var scope = NewDisposeScope();
        var (b, t) = (x.shape[0], x.shape[1]);
        Tensor q, k, v;
        if (qkv_proj is not null)
        {
            var parts = qkv_proj.forward(x).split([_heads * _headDim, _kvHeads * _headDim, _kvHeads * _headDim], -1);
            (q, k, v) = (parts[0], parts[1], parts[2]);
        }
        else (q, k, v) = (q_proj!.forward(x), k_proj!.forward(x), v_proj!.forward(x));
        q = q.view(b, t, _heads, _headDim);                     // (B, T, nh, hd)
        k = k.view(b, t, _kvHeads, _headDim);                   // (B, T, n_kv, hd)
        if (q_norm is not null) (q, k) = (q_norm.forward(q), k_norm!.forward(k));   // Qwen3, Gemma 3: each head normalised
        q = q.transpose(1, 2);                                  // (B, nh, T, hd)
        k = k.transpose(1, 2);                                  // (B, n_kv, T, hd)
        v = v.view(b, t, _kvHeads, _headDim).transpose(1, 2);
        var own = _sliding ? ctx.Local! : ctx;                  // a sliding-window layer's mask and rotary tables
        q = Rotary.Apply(q, own.Cos!, own.Sin!);
        k = Rotary.Apply(k, own.Cos!, own.Sin!);
        if (ctx.Cache is { } cache) (k, v) = cache.Append(_layer, k, v);
        return o_proj.forward(Attention.Compute(q, k, v, own.Mask, _scale, _softcap)).MoveToOuterDisposeScope();
    }
}

sealed class GatedMlp : nn.Module<Tensor, Tensor>
{
    // Separate gate/up (Llama, Mistral, Qwen2) or one fused gate_up_proj, gate first (Phi-3).
    readonly LoraLinear? gate_proj, up_proj, gate_up_proj;
    readonly LoraLinear down_proj;
    readonly Func<Tensor, Tensor> _act;

    public GatedMlp(ModelConfig c, ScalarType dtype) : base("mlp")
    {
        _act = Activations.Get(c.HiddenAct, c.SourcePath);
        if (c.ModelType == "phi3")
        {
            gate_up_proj = new LoraLinear("gate_up_proj", c.HiddenSize, 2L * c.IntermediateSize, c.MlpBias, false, dtype);
            register_module("gate_up_proj", gate_up_proj);
        }
        else
        {
            gate_proj = new LoraLinear("gate_proj", c.HiddenSize, c.IntermediateSize, c.MlpBias, false, dtype);
            up_proj = new LoraLinear("up_proj", c.HiddenSize, c.IntermediateSize, c.MlpBias, false, dtype);
            register_module("gate_proj", gate_proj);
            register_module("up_proj", up_proj);
        }
        down_proj = new LoraLinear("down_proj", c.IntermediateSize, c.HiddenSize, c.MlpBias, false, dtype);
        register_module("down_proj", down_proj);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();   // the (B, T, I) intermediates go when the block returns
        if (gate_up_proj is not null)
        {
            var parts = gate_up_proj.forward(x).chunk(2, -1);   // (B, T, I) each
            return down_proj.forward(parts[1] * _act(parts[0])).MoveToOuterDisposeScope();
        }
        return down_proj.forward(_act(gate_proj!.forward(x)) * up_proj!.forward(x)).MoveToOuterDisposeScope();
    }
}
