using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>Rotary position embedding in Hugging Face's rotate-half layout.</summary>
public static class Rotary
{
    /// <summary>
    /// cos, sin (B, 1, T, rd) for positions (B, T), computed in float32 then cast, as transformers does; rd is
    /// <paramref name="rotaryDim"/> (head_dim, or Phi-3's partial rotary share of it). <paramref name="sequenceLength"/>
    /// (cached plus new tokens) chooses longrope's factors and dynamic NTK's base; scaled by the rule's attention factor
    /// (longrope, yarn).
    /// </summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positions, int rotaryDim, double theta, ScalarType dtype, RopeScaling? scaling = null, long sequenceLength = 0)
    {
        var invFreq = InverseFrequencies(rotaryDim, theta, scaling, positions.device, sequenceLength);   // (rd/2)
        var freqs = positions.to_type(ScalarType.Float32).unsqueeze(-1) * invFreq;   // (B, T, rd/2)
        var emb = cat([freqs, freqs], -1);                                              // (B, T, rd)
        var (cos, sin) = (emb.cos(), emb.sin());
        if (scaling is { AttentionFactor: var a } && a != 1.0) (cos, sin) = (cos.mul_(a), sin.mul_(a));
        return (cos.to_type(dtype).unsqueeze(1), sin.to_type(dtype).unsqueeze(1));
    }

    /// <summary>
    /// 1 / θ^(2i/d) for i in 0..d/2 (float32, d = <paramref name="dim"/>, the rotated channels), rescaled as
    /// <paramref name="scaling"/> says (transformers' <c>ROPE_INIT_FUNCTIONS</c>). Llama 3's rule (<c>_compute_llama3_parameters</c>):
    /// wavelengths 2π/f longer than original/low_freq_factor are slowed by factor, those shorter than original/high_freq_factor
    /// kept, and those between blended by where original/wavelength lies between the two factors.
    /// </summary>
    /// <remarks>longrope (Phi-3.5, <c>_compute_longrope_parameters</c>): 1 / (factor_i · θ^(2i/d)), with the long factors once
    /// the sequence is longer than the original context and the short ones before. linear (Gemma 3's global layers): every
    /// frequency divided by the factor. yarn and dynamic: see <see cref="Yarn"/> and <see cref="DynamicTheta"/>.</remarks>
    public static Tensor InverseFrequencies(int dim, double theta, RopeScaling? scaling, Device device, long sequenceLength = 0)
    {
        var exponents = arange(0, dim, 2, dtype: ScalarType.Int64, device: device).to_type(ScalarType.Float32) / dim;   // (d/2)
        if (scaling is { Type: "longrope" } lr)
        {
            var factors = sequenceLength > lr.OriginalMaxPositions ? lr.LongFactor! : lr.ShortFactor!;
            return (tensor(factors.Select(f => (float)f).ToArray(), device: device) * pow(theta, exponents)).reciprocal();
        }
        if (scaling is { Type: "dynamic" } dynamic) return pow(DynamicTheta(dim, theta, dynamic, sequenceLength), exponents).reciprocal();
        var invFreq = pow(theta, exponents).reciprocal();
        if (scaling is { Type: "yarn" } yarn) return Yarn(invFreq, dim, theta, yarn);
        if (scaling is { Type: "linear" } linear) return invFreq / linear.Factor;
        if (scaling is not { Type: "llama3" } s) return invFreq;
        double lowWavelength = s.OriginalMaxPositions / s.LowFrequencyFactor, highWavelength = s.OriginalMaxPositions / s.HighFrequencyFactor;
        var wavelength = invFreq.reciprocal().mul_(2 * Math.PI);
        var slowed = where(wavelength > lowWavelength, invFreq / s.Factor, invFreq);
        var smooth = (s.OriginalMaxPositions / wavelength - s.LowFrequencyFactor) / (s.HighFrequencyFactor - s.LowFrequencyFactor);
        var blended = (1 - smooth) * slowed / s.Factor + smooth * slowed;
        var medium = (wavelength < highWavelength).logical_not().logical_and((wavelength > lowWavelength).logical_not());
        return where(medium, blended, slowed);
    }

    /// <summary>
    /// YaRN (<c>_compute_yarn_parameters</c>): each frequency f_i blends its interpolated value f_i / factor and itself,
    /// f_i·(1 − e_i)/factor + f_i·e_i, with e_i = 1 − clamp((i − low) / (high − low), 0, 1): frequencies below dimension
    /// <c>low</c> (those turning more than beta_fast times over the original context) kept, those past <c>high</c> (fewer than
    /// beta_slow turns) interpolated. low and high solve d·ln(original / (2π·β)) / (2 ln θ) for β = beta_fast and beta_slow,
    /// rounded outwards when <c>truncate</c>, clipped to [0, d − 1].
    /// </summary>
    static Tensor Yarn(Tensor invFreq, int dim, double theta, RopeScaling yarn)
    {
        double CorrectionDim(double rotations) => dim * Math.Log(yarn.OriginalMaxPositions / (rotations * 2 * Math.PI)) / (2 * Math.Log(theta));
        double low = CorrectionDim(yarn.BetaFast), high = CorrectionDim(yarn.BetaSlow);
        if (yarn.Truncate) (low, high) = (Math.Floor(low), Math.Ceiling(high));
        (low, high) = (Math.Max(low, 0), Math.Min(high, dim - 1));
        if (low == high) high += 0.001;   // as transformers does, against a zero-width ramp
        var ramp = ((arange(dim / 2, dtype: ScalarType.Float32, device: invFreq.device) - low) / (high - low)).clamp(0, 1);   // (d/2)
        var extrapolation = 1 - ramp;
        return invFreq / yarn.Factor * (1 - extrapolation) + invFreq * extrapolation;
    }

    /// <summary>
    /// Dynamic NTK's base (<c>_compute_dynamic_ntk_parameters</c>) for a sequence of <paramref name="sequenceLength"/> tokens:
    /// θ · (factor · L / max − (factor − 1))^(d / (d − 2)) with L = max(length, max), max = max_position_embeddings; θ
    /// itself up to max, so the frequencies change only past it.
    /// </summary>
    /// <remarks>Which length a call passes is the model's (<see cref="CausalLanguageModel"/>'s <c>RopeSequenceLength</c>): the
    /// longest seen until one within max_position_embeddings resets it, as transformers keeps it. Cached keys keep the
    /// frequencies they were rotated with, in both.</remarks>
    public static double DynamicTheta(int dim, double theta, RopeScaling dynamic, long sequenceLength)
    {
        double max = dynamic.OriginalMaxPositions, length = Math.Max(sequenceLength, max);
        return length <= max ? theta : theta * Math.Pow(dynamic.Factor * length / max - (dynamic.Factor - 1), dim / (dim - 2.0));
    }

    /// <summary>
    /// x (B, h, T, hd) rotated by the tables (B, 1, T, rd): the first rd channels of each head, the rest (Phi-3's partial
    /// rotary factor) passed through.
    /// </summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();   // three temporaries of x's size go on return
        long rotary = cos.shape[^1];
        if (rotary < x.shape[^1])
            return cat([Apply(x.narrow(-1, 0, rotary), cos, sin), x.narrow(-1, rotary, x.shape[^1] - rotary)], -1).MoveToOuterDisposeScope();
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        return (x * cos + cat([x2.neg(), x1], -1) * sin).MoveToOuterDisposeScope();
    }
}
