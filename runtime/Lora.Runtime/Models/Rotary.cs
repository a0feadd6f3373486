using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>Rotary position embedding in Hugging Face's rotate-half layout.</summary>
public static class Rotary
{
    /// <summary>cos, sin (B, 1, T, hd) for positions (B, T), computed in float32 then cast, as transformers does.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positions, int headDim, double theta, ScalarType dtype, RopeScaling? scaling = null)
    {
        var invFreq = InverseFrequencies(headDim, theta, scaling, positions.device);                 // (hd/2)
        var freqs = positions.to_type(ScalarType.Float32).unsqueeze(-1) * invFreq;   // (B, T, hd/2)
        var emb = cat([freqs, freqs], -1);                                              // (B, T, hd)
        return (emb.cos().to_type(dtype).unsqueeze(1), emb.sin().to_type(dtype).unsqueeze(1));
    }

    /// <summary>
    /// 1 / θ^(2i/hd) for i in 0..hd/2 (float32), rescaled as <paramref name="scaling"/> says. Llama 3's rule (transformers'
    /// <c>_compute_llama3_parameters</c>): wavelengths 2π/f longer than original/low_freq_factor are slowed by factor, those
    /// shorter than original/high_freq_factor kept, and those between blended by where original/wavelength lies between
    /// the two factors.
    /// </summary>
    public static Tensor InverseFrequencies(int headDim, double theta, RopeScaling? scaling, Device device)
    {
        var invFreq = pow(theta, arange(0, headDim, 2, dtype: ScalarType.Int64, device: device).to_type(ScalarType.Float32) / headDim).reciprocal();
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

/// <summary>
/// A RoPE frequency rule other than the default (<c>rope_parameters</c> or the older <c>rope_scaling</c> of config.json):
/// <see cref="Type"/> llama3 with its factor, low and high frequency factors and the original context length.
/// </summary>
public sealed record RopeScaling(string Type, double Factor, double LowFrequencyFactor, double HighFrequencyFactor, int OriginalMaxPositions);
