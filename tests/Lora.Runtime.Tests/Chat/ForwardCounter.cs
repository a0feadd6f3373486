using Lora.Runtime.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Chat;

/// <summary>Counts the residual blocks a model runs (<see cref="CausalLanguageModel.BlockWrapper"/>): forward passes, and so
/// generated tokens, without timing anything.</summary>
internal sealed class ForwardCounter : IBlockWrapper
{
    int _blocks;

    public int Blocks => Volatile.Read(ref _blocks);

    public Tensor Run(string name, Tensor x, Func<Tensor, Tensor> block)
    {
        Interlocked.Increment(ref _blocks);
        return block(x);
    }
}
