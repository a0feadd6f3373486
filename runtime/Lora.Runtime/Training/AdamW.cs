using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>
/// AdamW with PyTorch's semantics (decoupled weight decay applied before the Adam update, bias-corrected
/// moments, eps added after the square root), optionally with blockwise 8-bit moments as bitsandbytes'
/// <c>AdamW8bit</c>. The learning rate is passed per step so that any schedule drives it; nothing here reads a
/// value back from the device.
/// </summary>
public sealed class AdamW : IDisposable
{
    readonly IReadOnlyList<Parameter> _parameters;
    // Per parameter, either float32 moments (_m, _v) or 8-bit ones (_m8, _v8); the other slot is null.
    readonly Tensor?[] _m, _v;
    readonly EightBitMoment?[] _m8, _v8;
    public double Beta1 { get; }
    public double Beta2 { get; }
    public double Epsilon { get; }
    public double WeightDecay { get; }
    /// <summary>Whether moments of parameters with at least <see cref="EightBitMoment.MinimumSize"/> values are stored in 8 bits.</summary>
    public bool EightBit { get; }
    /// <summary>Optimizer steps taken; the bias corrections use it.</summary>
    public long Step { get; private set; }

    /// <param name="parameters">The trained parameters.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="epsilon">Added to the second moment's square root.</param>
    /// <param name="weightDecay">Decoupled weight decay, multiplied by the learning rate.</param>
    /// <param name="eightBit">Blockwise 8-bit moments (bitsandbytes' <c>adamw_8bit</c>): a quarter of the state memory.</param>
    public AdamW(IReadOnlyList<Parameter> parameters, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-8, double weightDecay = 0.01, bool eightBit = false)
    {
        _parameters = parameters;
        (Beta1, Beta2, Epsilon, WeightDecay, EightBit) = (beta1, beta2, epsilon, weightDecay, eightBit);
        bool Small(Parameter p) => !eightBit || p.NumberOfElements < EightBitMoment.MinimumSize;
        // Float32 moments for parameters that share a dtype and device live in two flat buffers over the parameters'
        // own flat buffer (FlatParameters): one update for all of them. Each parameter's m and v are views of those.
        if (!eightBit && FlatParameters.Fits(parameters))
        {
            Flat = new FlatParameters(parameters);
            _flatM = zeros(Flat.Count, ScalarType.Float32, parameters[0].device).DetachFromDisposeScope();
            _flatV = zeros(Flat.Count, ScalarType.Float32, parameters[0].device).DetachFromDisposeScope();
            _m = parameters.Select((_, i) => (Tensor?)Flat.Slice(_flatM, i).DetachFromDisposeScope()).ToArray();
            _v = parameters.Select((_, i) => (Tensor?)Flat.Slice(_flatV, i).DetachFromDisposeScope()).ToArray();
            _m8 = new EightBitMoment?[parameters.Count];
            _v8 = new EightBitMoment?[parameters.Count];
            return;
        }
        // Moments in float32 whatever the parameter dtype: they hold small squared values.
        _m = parameters.Select(p => Small(p) ? zeros_like(p, dtype: ScalarType.Float32).DetachFromDisposeScope() : null).ToArray();
        _v = parameters.Select(p => Small(p) ? zeros_like(p, dtype: ScalarType.Float32).DetachFromDisposeScope() : null).ToArray();
        _m8 = parameters.Select(p => Small(p) ? null : EightBitMoment.Zeros(p, signed: true)).ToArray();
        _v8 = parameters.Select(p => Small(p) ? null : EightBitMoment.Zeros(p, signed: false)).ToArray();
    }

    /// <summary>The parameters' shared buffer when the update runs over all of them at once (<see cref="ApplyFlat"/>), else null.</summary>
    public FlatParameters? Flat { get; }
    readonly Tensor? _flatM, _flatV;

    /// <summary>Bytes of optimizer state, as stored.</summary>
    public long StateBytes => _m.Concat(_v).Sum(t => t is null ? 0 : t.NumberOfElements * 4)
        + _m8.Concat(_v8).Sum(m => m is null ? 0 : m.Codes.NumberOfElements + m.Absmax.NumberOfElements * 4);

    /// <summary>
    /// The state of parameter <paramref name="index"/> as named tensors for a checkpoint: <c>m</c> and <c>v</c> (float32
    /// moments, or the uint8 codes of 8-bit ones), and for 8-bit moments <c>m.absmax</c> and <c>v.absmax</c>. Restoring
    /// these reproduces the optimizer exactly.
    /// </summary>
    public IEnumerable<(string Name, Tensor Value)> State(int index)
    {
        if (_m8[index] is { } m8)
            return [("m", m8.Codes), ("m.absmax", m8.Absmax), ("v", _v8[index]!.Codes), ("v.absmax", _v8[index]!.Absmax)];
        return [("m", _m[index]!), ("v", _v[index]!)];
    }

    /// <summary>Restores the step count and every parameter's state as <see cref="State"/> named it.</summary>
    /// <param name="step">Optimizer steps taken.</param>
    /// <param name="state">(parameter index, state name) → the saved tensor.</param>
    public void Restore(long step, Func<int, string, Tensor> state)
    {
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            if (_m8[i] is { } m8)
            {
                m8.Restore(state(i, "m"), state(i, "m.absmax"));
                _v8[i]!.Restore(state(i, "v"), state(i, "v.absmax"));
            }
            else
            {
                _m[i]!.copy_(state(i, "m"));
                _v[i]!.copy_(state(i, "v"));
            }
        }
        Step = step;
    }

    public void Apply(double learningRate)
    {
        Step++;
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var p = _parameters[i];
            // One parameter's temporaries at a time (its float32 gradient, expanded 8-bit moments, update), freed before
            // the next parameter's: scoped over the whole loop they added up to several times the moments' own size.
            using var scope = NewDisposeScope();
            if (p.grad is not { } g) continue;
            var g32 = g.to_type(ScalarType.Float32);
            // 8-bit moments are expanded to float32 for the update and stored again right after (one parameter at a time).
            var m = _m[i] ?? _m8[i]!.Load();
            var v = _v[i] ?? _v8[i]!.Load();
            Update(p, g32, m, v, learningRate);
            if (_m8[i] is { } m8)
            {
                m8.Store(m);
                _v8[i]!.Store(v);
            }
        }
    }

    /// <summary>
    /// The same update as <see cref="Apply"/> for every parameter at once, over <see cref="Flat"/>'s buffer:
    /// <paramref name="grads"/> is float32, laid out like <see cref="FlatParameters.Values"/> (<see cref="FlatParameters.GatherGrads"/>).
    /// </summary>
    public void ApplyFlat(double learningRate, Tensor grads)
    {
        if (Flat is null || _flatM is null || _flatV is null) throw new InvalidOperationException("This optimizer's parameters do not share a flat buffer.");
        Step++;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        Update(Flat.Values, grads, _flatM, _flatV, learningRate);
    }

    /// <summary>
    /// One AdamW update of <paramref name="values"/> in place at the current <see cref="Step"/>, PyTorch's order: moments,
    /// decoupled decay, then the bias-corrected step. g32, m, v: float32, shaped like the values.
    /// </summary>
    void Update(Tensor values, Tensor g32, Tensor m, Tensor v, double learningRate)
    {
        double bc1 = 1 - Math.Pow(Beta1, Step), bc2 = 1 - Math.Pow(Beta2, Step);
        double stepSize = learningRate / bc1, bc2Sqrt = Math.Sqrt(bc2);
        m.mul_(Beta1).add_(g32, alpha: 1 - Beta1);
        v.mul_(Beta2).addcmul_(g32, g32, value: 1 - Beta2);
        if (WeightDecay != 0) values.mul_(1 - learningRate * WeightDecay);
        var denom = v.sqrt().div_(bc2Sqrt).add_(Epsilon);
        values.add_(m.div(denom).mul_(-stepSize).to_type(values.dtype));
    }

    public void ZeroGrad()
    {
        if (Flat is not null) Flat.ClearGrads();
        else foreach (var p in _parameters) p.grad?.zero_();
    }

    public void Dispose()
    {
        Flat?.Dispose();
        _flatM?.Dispose();
        _flatV?.Dispose();
        foreach (var t in _m.Concat(_v)) t?.Dispose();
        foreach (var m in _m8.Concat(_v8)) m?.Dispose();
    }
}
