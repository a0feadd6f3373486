using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Adapters;

/// <summary>
/// One LoRA factor (all the A's or all the B's of a layer), a <see cref="Linear"/> per adapter name registered as a child,
/// so that parameters are named <c>lora_A.&lt;adapter&gt;.weight</c> as PEFT names them in memory.
/// </summary>
/// <remarks>
/// Not TorchSharp's <c>ModuleDict</c>: it has two public indexers, and TorchSharp 0.107's <c>Module.to</c> indexes a
/// module's public properties by name, so moving any layer that held one to another device failed with "An item with the
/// same key has already been added. Key: Item"; no model could leave the CPU.
/// </remarks>
internal sealed class AdapterFactors : nn.Module
{
    readonly Dictionary<string, Linear> _byAdapter = new();

    public AdapterFactors(string name) : base(name) { }

    public Linear this[string adapter] => _byAdapter[adapter];

    public void Add(string adapter, Linear factor)
    {
        _byAdapter.Add(adapter, factor);
        register_module(adapter, factor);
    }
}
