using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>PyTorch's <c>clip_grad_norm_</c>, kept on the device: the norm is returned as a tensor, not read back.</summary>
public static class GradientClipping
{
    /// <summary>Scales all gradients so their global L2 norm is at most <paramref name="maxNorm"/>; returns the norm before clipping (scalar).</summary>
    public static Tensor ClipByGlobalNorm(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var grads = parameters.Where(p => p.grad is not null).Select(p => p.grad!).ToList();
        if (grads.Count == 0) return zeros(1).squeeze().MoveToOuterDisposeScope();
        var norms = stack(grads.Select(g => g.to_type(ScalarType.Float32).norm()).ToArray());
        var total = norms.norm();
        if (maxNorm > 0)
        {
            // clamp(max/(norm + 1e-6), max = 1): a factor of 1 leaves gradients unchanged, without a host-side branch.
            var factor = (maxNorm / (total + 1e-6)).clamp_max(1.0);
            foreach (var g in grads) g.mul_(factor.to_type(g.dtype));
        }
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>The same for gradients gathered in one float32 tensor (<see cref="FlatParameters.GatherGrads"/>), scaled in place.</summary>
    public static Tensor ClipByGlobalNorm(Tensor flatGrads, double maxNorm)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var total = flatGrads.norm();
        if (maxNorm > 0) flatGrads.mul_((maxNorm / (total + 1e-6)).clamp_max(1.0));
        return total.MoveToOuterDisposeScope();
    }
}
