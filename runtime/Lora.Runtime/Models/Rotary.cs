using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>Rotary position embedding in Hugging Face's rotate-half layout.</summary>
public static class Rotary
{
    /// <summary>cos, sin (B, 1, T, hd) for positions (B, T), computed in float32 then cast, as transformers does.</summary>
    public static (Tensor Cos, Tensor Sin) Tables(Tensor positions, int headDim, double theta, ScalarType dtype)
    {
        var invFreq = pow(theta, arange(0, headDim, 2, dtype: ScalarType.Int64, device: positions.device).to_type(ScalarType.Float32) / headDim).reciprocal(); // (hd/2)
        var freqs = positions.to_type(ScalarType.Float32).unsqueeze(-1) * invFreq;   // (B, T, hd/2)
        var emb = cat([freqs, freqs], -1);                                              // (B, T, hd)
        return (emb.cos().to_type(dtype).unsqueeze(1), emb.sin().to_type(dtype).unsqueeze(1));
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
