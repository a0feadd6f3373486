using static TorchSharp.torch;

namespace Lora.Runtime.Autograd;

/// <summary>
/// The .NET handles that a custom autograd function's backward receives and returns. libtorch's engine keeps its
/// own reference to every gradient it passes in or gets back, so these handles only pin memory: left to the step's
/// dispose scope, every custom node's grad-output and grad-input stayed alive until the whole backward pass ended
/// (about 170 MiB of a 4-layer QLoRA step at 4 × 256 tokens). Incoming gradients are released when the node is
/// done with them; returned ones at the next custom backward or when the trainer's backward pass ends, by which
/// time the engine has copied them.
/// </summary>
public static class BackwardHandles
{
    // Per thread: on CUDA the engine runs backward on its own device threads, and a handle may only be released
    // after its own node has returned (TorchSharp reads it then), which the same thread's next node guarantees.
    [ThreadStatic] static List<Tensor>? _returned;

    /// <summary>Hands <paramref name="gradients"/> (in input order, null for inputs without one) to the engine.</summary>
    public static List<Tensor> Return(params Tensor?[] gradients)
    {
        Release();
        _returned ??= new List<Tensor>();
        foreach (var g in gradients)
            if (g is not null) _returned.Add(g.DetachFromDisposeScope());
        return gradients.Select(g => g!).ToList();
    }

    /// <summary>Releases an incoming gradient the node no longer needs (the engine holds its own reference).</summary>
    public static void Done(Tensor gradOutput) => gradOutput.Dispose();

    /// <summary>Releases this thread's handles of gradients already returned to the engine.</summary>
    public static void Release()
    {
        if (_returned is null) return;
        foreach (var t in _returned) t.Dispose();
        _returned.Clear();
    }
}
