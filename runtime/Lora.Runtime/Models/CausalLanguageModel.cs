using Lora.Runtime.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>
/// A decoder-only language model whose parameter names equal its Hugging Face checkpoint keys.
/// </summary>
public abstract class CausalLanguageModel : nn.Module
{
    protected CausalLanguageModel(string name, ModelConfig config, ScalarType dtype) : base(name)
    {
        Config = config;
        DType = dtype;
    }

    public ModelConfig Config { get; }
    /// <summary>The compute dtype of the frozen base weights (float32 or bfloat16).</summary>
    public ScalarType DType { get; }
    public Device Device => parameters().First().device;

    /// <summary>Which biases each attached adapter trains (PEFT's <c>bias</c>), by adapter name; recorded when it is attached.</summary>
    internal Dictionary<string, Lora.LoraBias> AdapterBiases { get; } = new();

    /// <summary>
    /// input_ids (B, T) → logits (B, T, V). <paramref name="attentionMask"/> (B, T_past + T) marks real tokens
    /// (1) and padding (0); <paramref name="positionIds"/> (B, T) default to past..past+T-1, as a plain
    /// transformers forward does.
    /// </summary>
    public Tensor Forward(Tensor inputIds, Tensor? attentionMask = null, Tensor? positionIds = null, KvCache? cache = null)
    {
        using var scope = NewDisposeScope();
        var hidden = Hidden(inputIds, attentionMask, positionIds, cache, out _);
        return LogitsFrom(hidden).MoveToOuterDisposeScope();
    }

    /// <summary>The final-norm hidden states (B, T, hidden) before the LM head.</summary>
    public Tensor Hidden(Tensor inputIds, Tensor? attentionMask, Tensor? positionIds, KvCache? cache, out ForwardContext context)
    {
        long past = cache?.Length ?? 0, length = inputIds.shape[1];
        positionIds ??= arange(past, past + length, device: inputIds.device).unsqueeze(0).expand(inputIds.shape[0], -1);
        var mask = AttentionMask.Build(attentionMask, past, length, inputIds.device);
        context = MakeContext(mask, positionIds, cache);
        if (Config.SlidingWindow is int window)
            context = context with
            {
                Local = MakeLocalContext(context, AttentionMask.Build(attentionMask, past, length, inputIds.device, window, cache?.SlidingOffset ?? 0), positionIds),
            };
        return Backbone(inputIds, positionIds, context);
    }

    protected abstract ForwardContext MakeContext(Tensor? mask, Tensor positionIds, KvCache? cache);

    /// <summary>
    /// The sequence length a call's rotary tables are computed for under <paramref name="scaling"/>, given the call's own
    /// (cached plus new tokens). Dynamic NTK keeps, as transformers' <c>dynamic_rope_update</c> does, the longest length
    /// seen: it grows when a call is longer, and returns to max_position_embeddings when a call fits within it; so a call
    /// past max_position_embeddings that is shorter than an earlier one rotates by the earlier one's frequencies. Every
    /// other rule takes the call's own length.
    /// </summary>
    protected long RopeSequenceLength(RopeScaling? scaling, long sequenceLength)
    {
        if (scaling is not { Type: "dynamic" }) return sequenceLength;
        long max = Config.MaxPositions;
        if (_dynamicLength < max) _dynamicLength = max;                                  // max_seq_len_cached starts at max
        if (sequenceLength > _dynamicLength) _dynamicLength = sequenceLength;           // growth
        else if (sequenceLength < max && _dynamicLength > max) _dynamicLength = max;   // reset
        return _dynamicLength;
    }

    long _dynamicLength;

    /// <summary>
    /// The sliding-window layers' context (<see cref="ForwardContext.Local"/>): <paramref name="global"/>'s with the window's
    /// mask, unless a family gives those layers rotary tables of their own.
    /// </summary>
    protected virtual ForwardContext MakeLocalContext(ForwardContext global, Tensor? slidingMask, Tensor positionIds) =>
        global with { Mask = slidingMask };
    protected abstract Tensor Backbone(Tensor inputIds, Tensor positionIds, ForwardContext context);
    /// <summary>hidden (…, H) → logits (…, V) in the compute dtype.</summary>
    public abstract Tensor LogitsFrom(Tensor hidden);

    /// <summary>
    /// The causal-LM loss (transformers' semantics: position t predicts label t + 1, −100 ignored). When the LM head is
    /// a frozen plain weight, the head and the loss run chunked so the full float32 logits never exist at once.
    /// <paramref name="scoredPositions"/> (K), when given, lists the shifted, flattened positions (B·(T−1)) that carry a
    /// label (<see cref="Training.TrainingBatch.ScoredPositions"/>): the head runs on those rows only. The loss is the
    /// same mean either way; the others would only add zeros.
    /// </summary>
    public Tensor Loss(Tensor inputIds, Tensor labels, Tensor? attentionMask = null, Tensor? scoredPositions = null)
    {
        using var scope = NewDisposeScope();
        var hidden = Hidden(inputIds, attentionMask, null, null, out _);                         // (B, T, H)
        long length = hidden.shape[1];
        var shifted = hidden.narrow(1, 0, length - 1).reshape(-1, hidden.shape[2]);                 // (B·(T−1), H)
        var targets = labels.narrow(1, 1, length - 1).reshape(-1);                                 // (B·(T−1))
        if (scoredPositions is not null)
        {
            shifted = shifted.index_select(0, scoredPositions);                                    // (K, H)
            targets = targets.index_select(0, scoredPositions);                                    // (K)
        }
        if (FrozenHeadWeight() is not { } head)
            return Training.CausalLmLoss.FromLogits(LogitsFrom(shifted), targets).MoveToOuterDisposeScope();
        // Without gradients the autograd function would keep state nothing releases: the plain chunked loop instead.
        if (!is_grad_enabled())
            return Training.ChunkedLinearCrossEntropy.Evaluate(shifted, head, targets).MoveToOuterDisposeScope();
        // Checkpointing trades compute for memory, and so does the loss then: small chunks, recomputed in backward.
        return (GradientCheckpointing
                ? Training.ChunkedLinearCrossEntropy.Compute(shifted, head, targets, Training.ChunkedLinearCrossEntropy.LeanChunkRows(head.VocabSize), keepBudgetBytes: 0)
                : Training.ChunkedLinearCrossEntropy.Compute(shifted, head, targets)).MoveToOuterDisposeScope();
    }

    /// <summary>The LM head's weight (V, H) when the head is a frozen projection (plain or 4-bit); null when it carries an adapter or trains.</summary>
    protected abstract Training.LmHeadWeight? FrozenHeadWeight();

    /// <summary>An untied head without adapters, as the fused loss reads it.</summary>
    protected static Training.LmHeadWeight? FrozenHead(LoraLinear head) => head switch
    {
        { AdapterNames.Count: 0, Quantized: { } q } => new Training.LmHeadWeight(q, head.weight.dtype),
        { AdapterNames.Count: 0 } when !head.weight.requires_grad => head.weight,
        _ => null,
    };

    /// <summary>A head tied to the token embedding, as the fused loss reads it (null when the embedding trains).</summary>
    protected static Training.LmHeadWeight? TiedHead(EmbeddingTable embedding) => embedding switch
    {
        { Quantized: { } q } => new Training.LmHeadWeight(q, embedding.ComputeType),
        _ when !embedding.weight.requires_grad => embedding.weight,
        _ => null,
    };

    /// <summary>hidden (…, H) → logits (…, V) through a head tied to <paramref name="embedding"/> (dequantized whole when 4-bit).</summary>
    protected static Tensor TiedLogits(Tensor hidden, EmbeddingTable embedding)
    {
        if (embedding.Quantized is null) return nn.functional.linear(hidden, embedding.weight);
        using var weight = embedding.FullWeight(embedding.ComputeType);
        return nn.functional.linear(hidden, weight);
    }

    /// <summary>Checkpoint keys that are not parameters here but are harmless (legacy buffers, a tied head).</summary>
    public virtual bool IsIgnorableCheckpointKey(string key) => false;

    /// <summary>The output head's module name when it is a projection of its own (untied), else null: PEFT's
    /// <c>all-linear</c> leaves it out (<c>get_output_embeddings()</c>).</summary>
    public virtual string? OutputHeadName => null;

    /// <summary>Every adaptable projection with its full module name, e.g. <c>model.layers.0.self_attn.q_proj</c>.</summary>
    public IEnumerable<(string Name, LoraLinear Layer)> Projections() =>
        named_modules().Where(m => m.module is LoraLinear).Select(m => (m.name, (LoraLinear)m.module));

    /// <summary>Every embedding table with its full module name, e.g. <c>model.embed_tokens</c>.</summary>
    public IEnumerable<(string Name, EmbeddingTable Table)> Embeddings() =>
        named_modules().Where(m => m.module is EmbeddingTable).Select(m => (m.name, (EmbeddingTable)m.module));

    /// <summary>Every module whose weight can be 4-bit (projections and embedding tables) with its full module name.</summary>
    public IEnumerable<(string Name, Quantization.QuantizableModule Module)> QuantizableModules() =>
        named_modules().Where(m => m.module is Quantization.QuantizableModule).Select(m => (m.name, (Quantization.QuantizableModule)m.module));

    /// <summary>The modules whose weights <paramref name="quantize"/> stores in 4 bits, by their weight's checkpoint key.</summary>
    public Dictionary<string, Quantization.QuantizableModule> QuantizedModules(Quantization.QuantizationOptions? quantize) => quantize is null ? []
        : QuantizableModules().Where(m => m.Module is EmbeddingTable ? quantize.Embeddings : quantize.IsQuantizable(m.Name))
            .ToDictionary(m => m.Name + ".weight", m => m.Module);

    /// <summary>The base model's parameters by checkpoint key (LoRA factors excluded).</summary>
    public IEnumerable<(string Key, Parameter Value)> BaseParameters() =>
        named_parameters().Where(p => !p.name.Contains(".lora_A.") && !p.name.Contains(".lora_B.") && !p.name.Contains(".lora_magnitude_vector."));

    public int NumLayers => Config.NumLayers;

    /// <summary>
    /// Recompute each decoder layer in the backward pass instead of keeping its activations (training only). It also makes
    /// every RMSNorm keep only its input (<see cref="RmsNorm.KeepsInputOnly"/>): both trade time for memory.
    /// </summary>
    public bool GradientCheckpointing
    {
        get => _gradientCheckpointing;
        set
        {
            _gradientCheckpointing = value;
            foreach (var norm in modules().OfType<RmsNorm>()) norm.KeepsInputOnly = value;
        }
    }

    bool _gradientCheckpointing;

    /// <summary>
    /// Runs one decoder layer, given as its two residual blocks in order (attention, then MLP). Training with
    /// <see cref="GradientCheckpointing"/> on, the layer is the unit of checkpointing, as in transformers: its input is
    /// kept and the whole layer recomputed in backward, so one hidden state per layer is kept (the memory estimator's
    /// count) and one layer's activations exist at a time. Otherwise block after block.
    /// </summary>
    protected Tensor RunLayer(Func<Tensor, ForwardContext, Tensor> attention, Func<Tensor, ForwardContext, Tensor> mlp, Tensor x, ForwardContext context)
    {
        if (!GradientCheckpointing || !training || !is_grad_enabled() || context.Cache is not null)
            return RunBlock(mlp, RunBlock(attention, x, context), context);
        // The embeddings are frozen, so the first layer's input needs grad switched on for the backward to reach it.
        if (!x.requires_grad) x = x.detach().requires_grad_(true);
        Tensor Layer(Tensor input, ForwardContext c)
        {
            using var scope = NewDisposeScope();   // the attention block's output goes when the layer returns
            return mlp(attention(input, c), c).MoveToOuterDisposeScope();
        }
        return BlockWrapper is { } wrapper
            ? wrapper.Run("DecoderLayer", x, input => LayerCheckpoint.Run(Layer, input, context))
            : LayerCheckpoint.Run(Layer, x, context);
    }

    Tensor RunBlock(Func<Tensor, ForwardContext, Tensor> block, Tensor x, ForwardContext context) =>
        BlockWrapper is { } wrapper ? wrapper.Run(block.Method.Name, x, input => block(input, context)) : block(x, context);

    /// <summary>Runs every residual block when set (the benchmark's section timer, <c>lora bench train --sections</c>); null
    /// otherwise.</summary>
    public IBlockWrapper? BlockWrapper { get; set; }
}
