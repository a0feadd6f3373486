using Lora.Runtime.Adapters;
using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Merge;

/// <summary>Folds an adapter into the base weights (W + scale·B·A) and back out.</summary>
public static class LoraMerge
{
    /// <summary>scale·B·A in the layout of the base weight: [out, in], or [in, out] for Conv1D.</summary>
    public static Tensor Delta(Tensor loraA, Tensor loraB, double scale, bool fanInFanOut)
    {
        var delta = loraB.matmul(loraA).mul_(scale);   // [out, r]·[r, in] → [out, in]
        return fanInFanOut ? delta.t() : delta;
    }

    /// <summary>
    /// Merges adapter <paramref name="name"/> into every layer that has it; refuses non-finite results and leaves the
    /// model unchanged then. A 4-bit (QLoRA) base is merged into its dequantized weights, the ones the adapter was
    /// trained against, and that layer becomes full precision.
    /// </summary>
    public static void Merge(CausalLanguageModel model, string name)
    {
        var layers = Layers(model, name);
        using var _ = no_grad();
        var merged = new List<(LoraLinear Layer, Tensor NewWeight)>();
        using var scope = NewDisposeScope();
        foreach (var (moduleName, layer) in layers)
        {
            if (layer.Slot(name).Merged) throw new InvalidOperationException($"Adapter '{name}' is already merged into {moduleName}.");
            var w = layer.FullWeight(ScalarType.Float32) + LayerDelta(layer, name);
            // DoRA: each output row rescaled to its magnitude, m / ‖W + ΔW‖ · (W + ΔW) (PEFT's merge); the factor is kept
            // for Unmerge, as PEFT caches it.
            if (layer.Slot(name).UseDora) w = w.mul_(layer.DoraMergeFactor(name, remember: true));
            if (!w.isfinite().all().item<bool>())
                throw new InvalidOperationException($"Merging adapter '{name}' into {moduleName} gives non-finite weights (inf or NaN); the adapter is broken. Nothing was merged.");
            merged.Add((layer, w));
        }
        foreach (var (layer, w) in merged)
        {
            if (layer.Quantized is not null) layer.SetFullWeight(w);
            else layer.weight.copy_(w.to_type(layer.weight.dtype));
            layer.SetMerged(name, true);
        }
    }

    public static void Unmerge(CausalLanguageModel model, string name)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        foreach (var (moduleName, layer) in Layers(model, name))
        {
            if (!layer.Slot(name).Merged) throw new InvalidOperationException($"Adapter '{name}' is not merged into {moduleName}.");
            var w = layer.weight.to_type(ScalarType.Float32);
            if (layer.Slot(name).UseDora) w = w.div_(layer.DoraMergeFactor(name, remember: false));
            layer.weight.copy_((w - LayerDelta(layer, name)).to_type(layer.weight.dtype));
            layer.SetMerged(name, false);
        }
    }

    static Tensor LayerDelta(LoraLinear layer, string name) =>
        Delta(layer.LoraA(name).to_type(ScalarType.Float32), layer.LoraB(name).to_type(ScalarType.Float32), layer.Slot(name).Scale, layer.FanInFanOut);

    static List<(string Name, LoraLinear Layer)> Layers(CausalLanguageModel model, string name)
    {
        var layers = model.Projections().Where(p => p.Layer.HasAdapter(name)).ToList();
        if (layers.Count == 0) throw new ArgumentException($"The model has no adapter named '{name}'.", nameof(name));
        return layers;
    }
}
