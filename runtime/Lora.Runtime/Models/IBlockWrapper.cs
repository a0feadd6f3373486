using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>
/// Runs each residual block of a model in the model's stead (a whole decoder layer when gradient checkpointing makes
/// the layer the unit): how <c>lora bench train --sections</c> times every block's forward and backward apart.
/// </summary>
public interface IBlockWrapper
{
    /// <summary>Runs <paramref name="block"/> (named after its method, e.g. AttentionBlock, or DecoderLayer) on
    /// <paramref name="x"/> and returns its output.</summary>
    Tensor Run(string name, Tensor x, Func<Tensor, Tensor> block);
}
