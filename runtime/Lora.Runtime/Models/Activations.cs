using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>The activation functions named by <c>hidden_act</c> / <c>activation_function</c>.</summary>
public static class Activations
{
    public static Func<Tensor, Tensor> Get(string name, string configPath) => name switch
    {
        "silu" or "swish" => x => nn.functional.silu(x),
        // transformers' NewGELUActivation: the tanh approximation, written out as it does.
        "gelu_new" or "gelu_pytorch_tanh" or "gelu_fast" => x => x.gelu(TorchSharp.Modules.GELU.Approximate.tanh),
        "gelu" => x => x.gelu(),
        "relu" => x => nn.functional.relu(x),
        _ => throw new ModelLoadException($"{configPath}: activation '{name}' is not supported; expected one of {string.Join(", ", Lora.ModelFamilies.HiddenActivations)}."),
    };
}
