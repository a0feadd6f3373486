using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>Rotary position embedding in Hugging Face's rotate-half layout.</summary>
public static class Rotary
{
    /// <summary>
    /// cos, sin (B, 1, T, hd) for positions (B, T), computed in float32 then cast, as transformers does. <paramref name="sequenceLength"/>
    /// (cached plus new tokens) chooses longrope's factors; scaled by longrope's attention factor.
    /// </summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positions, int headDim, double theta, ScalarType dtype, RopeScaling? scaling = null, long sequenceLength = 0)
    {
        var invFreq = InverseFrequencies(headDim, theta, scaling, positions.device, sequenceLength);   // (hd/2)
        var freqs = positions.to_type(ScalarType.Float32).unsqueeze(-1) * invFreq;   // (B, T, hd/2)
        var emb = cat([freqs, freqs], -1);                                              // (B, T, hd)
        var (cos, sin) = (emb.cos(), emb.sin());
        if (scaling is { AttentionFactor: var a } && a != 1.0) (cos, sin) = (cos.mul_(a), sin.mul_(a));
        return (cos.to_type(dtype).unsqueeze(1), sin.to_type(dtype).unsqueeze(1));
    }

    /// <summary>
    /// 1 / θ^(2i/hd) for i in 0..hd/2 (float32), rescaled as <paramref name="scaling"/> says. Llama 3's rule (transformers'
    /// <c>_compute_llama3_parameters</c>): wavelengths 2π/f longer than original/low_freq_factor are slowed by factor, those
    /// shorter than original/high_freq_factor kept, and those between blended by where original/wavelength lies between
    /// the two factors.
    /// </summary>
    /// <remarks>longrope (Phi-3.5, transformers' <c>_compute_longrope_parameters</c>): 1 / (factor_i · θ^(2i/hd)), with the long
    /// factors once the sequence is longer than the original context and the short ones before. linear (Gemma 3's global
    /// layers): every frequency divided by the factor.</remarks>
    public static Tensor InverseFrequencies(int headDim, double theta, RopeScaling? scaling, Device device, long sequenceLength = 0)
    {
        var exponents = arange(0, headDim, 2, dtype: ScalarType.Int64, device: device).to_type(ScalarType.Float32) / headDim;   // (hd/2)
        if (scaling is { Type: "longrope" } lr)
        {
            var factors = sequenceLength > lr.OriginalMaxPositions ? lr.LongFactor! : lr.ShortFactor!;
            return (tensor(factors.Select(f => (float)f).ToArray(), device: device) * pow(theta, exponents)).reciprocal();
        }
        var invFreq = pow(theta, exponents).reciprocal();
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

    /// <summary>x (B, h, T, hd) rotated by the tables.</summary>
    public static Tensor Apply(Tensor x, Tensor cos, Tensor sin)
    {
        using var scope = NewDisposeScope();   // three temporaries of x's size go on return
        long half = x.shape[^1] / 2;
        var x1 = x.narrow(-1, 0, half);
        var x2 = x.narrow(-1, half, half);
        return (x * cos + cat([x2.neg(), x1], -1) * sin).MoveToOuterDisposeScope();
    }
}
