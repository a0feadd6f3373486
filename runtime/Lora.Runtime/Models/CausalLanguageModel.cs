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
        return Backbone(inputIds, positionIds, context);
    }

    protected abstract ForwardContext MakeContext(Tensor? mask, Tensor positionIds, KvCache? cache);
    protected abstract Tensor Backbone(Tensor inputIds, Tensor positionIds, ForwardContext context);
    /// <summary>hidden (…, H) → logits (…, V) in the compute dtype.</summary>
    public abstract Tensor LogitsFrom(Tensor hidden);

    /// <summary>Checkpoint keys that are not parameters here but are harmless (legacy buffers, a tied head).</summary>
    public virtual bool IsIgnorableCheckpointKey(string key) => false;

    /// <summary>Every adaptable projection with its full module name, e.g. <c>model.layers.0.self_attn.q_proj</c>.</summary>
    public IEnumerable<(string Name, LoraLinear Layer)> Projections() =>
        named_modules().Where(m => m.module is LoraLinear).Select(m => (m.name, (LoraLinear)m.module));

    /// <summary>The base model's parameters by checkpoint key (LoRA factors excluded).</summary>
    public IEnumerable<(string Key, Parameter Value)> BaseParameters() =>
        named_parameters().Where(p => !p.name.Contains(".lora_A.") && !p.name.Contains(".lora_B."));

    public int NumLayers => Config.NumLayers;
}
