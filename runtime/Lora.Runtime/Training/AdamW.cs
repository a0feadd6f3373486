using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>
/// AdamW with PyTorch's semantics (decoupled weight decay applied before the Adam update, bias-corrected
/// moments, eps added after the square root). The learning rate is passed per step so that any schedule
/// drives it; nothing here reads a value back from the device.
/// </summary>
public sealed class AdamW : IDisposable
{
    readonly IReadOnlyList<Parameter> _parameters;
    readonly Tensor[] _m, _v;
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }
    /// <summary>Optimizer steps taken; the bias corrections use it.</summary>
    public long Step { get; private set; }

    public AdamW(IReadOnlyList<Parameter> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01)
    {
        _parameters = parameters;
        (Beta1, Beta2, Epsilon, WeightDecay) = (beta1, beta2, epsilon, weightDecay);
        // Moments in float32 whatever the parameter dtype: they hold small squared values.
        _m = parameters.Select(p => zeros_like(p, dtype: ScalarType.Float32).DetachFromDisposeScope()).ToArray();
        _v = parameters.Select(p => zeros_like(p, dtype: ScalarType.Float32).DetachFromDisposeScope()).ToArray();
    }

    public IReadOnlyList<Tensor> FirstMoments => _m;
    public IReadOnlyList<Tensor> SecondMoments => _v;

    /// <summary>Restores moments and step count (resume from a checkpoint).</summary>
    public void Restore(long step, IReadOnlyList<Tensor> m, IReadOnlyList<Tensor> v)
    {
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Count; i++) { _m[i].copy_(m[i]); _v[i].copy_(v[i]); }
        Step = step;
    }

    public void Apply(double learningRate)
    {
        Step++;
        double bc1 = 1 - Math.Pow(Beta1, Step), bc2 = 1 - Math.Pow(Beta2, Step);
        double stepSize = learningRate / bc1, bc2Sqrt = Math.Sqrt(bc2);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            if (p.grad is not { } g) continue;
            var g32 = g.to_type(ScalarType.Float32);
            _m[i].mul_(Beta1).add_(g32, alpha: 1 - Beta1);
            _v[i].mul_(Beta2).addcmul_(g32, g32, value: 1 - Beta2);
            if (WeightDecay != 0) p.mul_(1 - learningRate * WeightDecay);
            var denom = _v[i].sqrt().div_(bc2Sqrt).add_(Epsilon);
            var update = _m[i].div(denom).mul_(-stepSize);
            p.add_(update.to_type(p.dtype));
        }
    }

    public void ZeroGrad()
    {
        foreach (var p in _parameters) p.grad?.zero_();
    }

    public void Dispose()
    {
        foreach (var t in _m.Concat(_v)) t.Dispose();
    }
}
