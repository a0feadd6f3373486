using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>
/// The trained parameters re-homed into one contiguous buffer: each parameter becomes a view of its slice (same object,
/// same shape, its storage now the buffer's), so the optimizer updates all of them with a handful of element-wise
/// kernels over <see cref="Values"/> instead of a dozen per parameter. A LoRA adapter of a 1.1B model has 308 factors:
/// per-parameter updates launched thousands of tiny kernels a step, which on a GPU cost more than the update's arithmetic.
/// </summary>
/// <remarks>
/// Gradients are not aliased: autograd allocates them per parameter, <see cref="GatherGrads"/> concatenates them (one
/// copy of the trained values' size) and <see cref="ClearGrads"/> drops them, so the next backward writes fresh ones
/// rather than accumulating into stale ones. Parameters must share one dtype and device (<see cref="Fits"/>) and must
/// not be moved while trained (a move would give them new storage).
/// </remarks>
public sealed class FlatParameters : IDisposable
{
    readonly IReadOnlyList<Parameter> _parameters;
    readonly long[] _offsets;

    /// <summary>All trained values, parameter after parameter, flattened: (total).</summary>
    public Tensor Values { get; }

    /// <summary>Whether <paramref name="parameters"/> can share one buffer: at least one, all of one dtype and device.</summary>
    public static bool Fits(IReadOnlyList<Parameter> parameters) =>
        parameters.Count > 0 && parameters.All(p => p.dtype == parameters[0].dtype && Tensors.Devices.Same(p.device, parameters[0].device));

    public FlatParameters(IReadOnlyList<Parameter> parameters)
    {
        if (!Fits(parameters)) throw new ArgumentException("Flat parameters need at least one parameter, all of one dtype and device.", nameof(parameters));
        _parameters = parameters;
        _offsets = new long[parameters.Count + 1];
        for (int i = 0; i < parameters.Count; i++) _offsets[i + 1] = _offsets[i] + parameters[i].NumberOfElements;
        Values = empty(_offsets[^1], parameters[0].dtype, parameters[0].device).DetachFromDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < parameters.Count; i++)
        {
            using var slice = Slice(Values, i);
            slice.copy_(parameters[i]);
            parameters[i].set_(slice);   // the parameter's storage is now this slice of Values
        }
    }

    /// <summary>Elements of all parameters together.</summary>
    public long Count => _offsets[^1];

    /// <summary>Parameter <paramref name="index"/>'s part of a flat tensor laid out like <see cref="Values"/>, in its shape (a view).</summary>
    public Tensor Slice(Tensor flat, int index) => flat.narrow(0, _offsets[index], _offsets[index + 1] - _offsets[index]).view(_parameters[index].shape);

    /// <summary>Every parameter's gradient in one float32 tensor laid out like <see cref="Values"/>; a parameter without one counts as zeros.</summary>
    public Tensor GatherGrads()
    {
        using var scope = NewDisposeScope();
        var parts = _parameters.Select(p => p.grad is { } g ? g.reshape(-1) : zeros(p.NumberOfElements, p.dtype, p.device)).ToArray();
        return cat(parts, 0).to_type(ScalarType.Float32).MoveToOuterDisposeScope();
    }

    /// <summary>Drops every gradient (PyTorch's <c>zero_grad(set_to_none=True)</c>).</summary>
    public void ClearGrads()
    {
        foreach (var p in _parameters) p.grad = null;
    }

    public void Dispose() => Values.Dispose();
}
