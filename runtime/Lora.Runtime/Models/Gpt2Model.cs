using Lora.Runtime.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>GPT-2 (<c>GPT2LMHeadModel</c>): learned positions, LayerNorm, Conv1D projections, tied LM head.</summary>
public sealed class Gpt2Model : CausalLanguageModel
{
    readonly Gpt2Transformer transformer;

    public Gpt2Model(ModelConfig config, ScalarType dtype) : base("GPT2LMHeadModel", config, dtype)
    {
        transformer = new Gpt2Transformer(config, dtype);
        register_module("transformer", transformer);
    }

    protected override ForwardContext MakeContext(Tensor? mask, Tensor positionIds, KvCache? cache) => new(mask, null, null, cache);

    protected override Tensor Backbone(Tensor inputIds, Tensor positionIds, ForwardContext context) =>
        transformer.Forward(inputIds, positionIds, context, RunLayer);

    public override Tensor LogitsFrom(Tensor hidden) => TiedLogits(hidden, transformer.wte);

    protected override Training.LmHeadWeight? FrozenHeadWeight() => TiedHead(transformer.wte);

    // Old checkpoints carry the causal-mask buffers; transformers ties lm_head to wte.
    public override bool IsIgnorableCheckpointKey(string key) =>
        key.EndsWith(".attn.bias") || key.EndsWith(".attn.masked_bias") || key == "lm_head.weight";
}

sealed class Gpt2Transformer : nn.Module
{
    public readonly EmbeddingTable wte, wpe;
    readonly ModuleList<Gpt2Block> h = new();
    readonly LayerNorm ln_f;

    public Gpt2Transformer(ModelConfig c, ScalarType dtype) : base("transformer")
    {
        wte = new EmbeddingTable("wte", c.VocabSize, c.HiddenSize, dtype);
        wpe = new EmbeddingTable("wpe", c.MaxPositions, c.HiddenSize, dtype);
        for (int i = 0; i < c.NumLayers; i++) h.Add(new Gpt2Block(c, i, dtype));
        ln_f = new LayerNorm("ln_f", c.HiddenSize, c.NormEpsilon, dtype);
        register_module("wte", wte);
        register_module("wpe", wpe);
        register_module("h", h);
        register_module("ln_f", ln_f);
        foreach (var p in parameters()) p.requires_grad = false;
    }

    public Tensor Forward(Tensor ids, Tensor positions, ForwardContext ctx, Func<Func<Tensor, ForwardContext, Tensor>, Func<Tensor, ForwardContext, Tensor>, Tensor, ForwardContext, Tensor> runLayer)
    {
        var x = wte.forward(ids) + wpe.forward(positions);   // (B, T, H)
        for (int i = 0; i < h.Count; i++)
        {
            x = runLayer(h[i].AttentionBlock, h[i].MlpBlock, x, ctx);
        }
        return ln_f.forward(x);
    }
}

sealed class Gpt2Block : nn.Module
{
    readonly LayerNorm ln_1, ln_2;
    readonly Gpt2Attention attn;
    readonly Gpt2Mlp mlp;

    public Gpt2Block(ModelConfig c, int index, ScalarType dtype) : base(index.ToString())
    {
        ln_1 = new LayerNorm("ln_1", c.HiddenSize, c.NormEpsilon, dtype);
        attn = new Gpt2Attention(c, index, dtype);
        ln_2 = new LayerNorm("ln_2", c.HiddenSize, c.NormEpsilon, dtype);
        mlp = new Gpt2Mlp(c, dtype);
        register_module("ln_1", ln_1);
        register_module("attn", attn);
        register_module("ln_2", ln_2);
        register_module("mlp", mlp);
    }

    /// <summary>x + attention(ln_1(x)): the block's first residual branch. x (B, T, H) → (B, T, H).</summary>
    public Tensor AttentionBlock(Tensor x, ForwardContext ctx)
    {
        using var scope = NewDisposeScope();
        return (x + attn.Forward(ln_1.forward(x), ctx)).MoveToOuterDisposeScope();
    }

    /// <summary>x + mlp(ln_2(x)): the block's second residual branch. x (B, T, H) → (B, T, H).</summary>
    public Tensor MlpBlock(Tensor x, ForwardContext _)
    {
        using var scope = NewDisposeScope();
        return (x + mlp.forward(ln_2.forward(x))).MoveToOuterDisposeScope();
    }
}

sealed class Gpt2Attention : nn.Module
{
    readonly LoraLinear c_attn, c_proj;
    readonly int _heads, _layer;

    public Gpt2Attention(ModelConfig c, int layer, ScalarType dtype) : base("attn")
    {
        _heads = c.NumHeads;
        _layer = layer;
        c_attn = new LoraLinear("c_attn", c.HiddenSize, 3 * c.HiddenSize, hasBias: true, fanInFanOut: true, dtype);
        c_proj = new LoraLinear("c_proj", c.HiddenSize, c.HiddenSize, hasBias: true, fanInFanOut: true, dtype);
        register_module("c_attn", c_attn);
        register_module("c_proj", c_proj);
    }

    public Tensor Forward(Tensor x, ForwardContext ctx)
    {
        using var scope = NewDisposeScope();   // q, k, v go when the block returns (see the Llama block)
        var (b, t, hsz) = (x.shape[0], x.shape[1], x.shape[2]);
        var qkv = c_attn.forward(x).split(hsz, -1);                                         // 3 × (B, T, H)
        var q = qkv[0].view(b, t, _heads, -1).transpose(1, 2);                              // (B, nh, T, hd)
        var k = qkv[1].view(b, t, _heads, -1).transpose(1, 2);
        var v = qkv[2].view(b, t, _heads, -1).transpose(1, 2);
        if (ctx.Cache is { } cache) (k, v) = cache.Append(_layer, k, v);
        return c_proj.forward(Attention.Compute(q, k, v, ctx.Mask)).MoveToOuterDisposeScope();
    }
}

sealed class Gpt2Mlp : nn.Module<Tensor, Tensor>
{
    readonly LoraLinear c_fc, c_proj;
    readonly Func<Tensor, Tensor> _act;

    public Gpt2Mlp(ModelConfig c, ScalarType dtype) : base("mlp")
    {
        c_fc = new LoraLinear("c_fc", c.HiddenSize, c.IntermediateSize, hasBias: true, fanInFanOut: true, dtype);
        c_proj = new LoraLinear("c_proj", c.IntermediateSize, c.HiddenSize, hasBias: true, fanInFanOut: true, dtype);
        _act = Activations.Get(c.HiddenAct, c.SourcePath);
        register_module("c_fc", c_fc);
        register_module("c_proj", c_proj);
    }

    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();   // the (B, T, 4H) intermediates go when the block returns
        return c_proj.forward(_act(c_fc.forward(x))).MoveToOuterDisposeScope();
    }
}
