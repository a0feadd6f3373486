using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Adapters;

/// <summary>
/// One kind of adapter module of a layer (all the A's, all the B's, all the DoRA magnitudes), one module per adapter name
/// registered as a child, so that parameters are named <c>lora_A.&lt;adapter&gt;.weight</c> as PEFT names them in memory.
/// </summary>
/// <remarks>
/// Not TorchSharp's <c>ModuleDict</c>: it has two public indexers, and TorchSharp 0.107's <c>Module.to</c> indexes a
/// module's public properties by name, so moving any layer that held one to another device failed with "An item with the
/// same key has already been added. Key: Item"; no model could leave the CPU.
/// </remarks>
internal sealed class AdapterFactors<T>(string name) : nn.Module(name) where T : nn.Module
{
    readonly Dictionary<string, T> _byAdapter = new();

    public T this[string adapter] => _byAdapter[adapter];

    public void Add(string adapter, T module)
    {
        _byAdapter.Add(adapter, module);
        register_module(adapter, module);
    }
}

/// <summary>DoRA's per-output-row magnitude m (out) of one adapter: PEFT's <c>lora_magnitude_vector.&lt;adapter&gt;.weight</c>.</summary>
internal sealed class DoraMagnitude : nn.Module
{
    public Parameter weight;

    public DoraMagnitude(Tensor magnitude) : base(nameof(DoraMagnitude))
    {
        weight = new Parameter(magnitude, requires_grad: false);
        register_parameter("weight", weight);
    }
}
