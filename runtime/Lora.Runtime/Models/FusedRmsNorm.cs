using System.Collections.Concurrent;
using System.Globalization;
using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>
/// libtorch's <c>rms_norm</c> without a weight: x·r with r = 1/√(mean(x²) + eps) per row, computed in float32 and returned
/// in x's dtype. TorchSharp binds no <c>rms_norm</c>, so it is called through a TorchScript function compiled once per
/// epsilon (the epsilon is written into the script: a scalar argument would leave a native Scalar behind at every call).
/// On CUDA this is one fused kernel forward and one backward, where the same formula in separate tensor ops is about
/// eight passes over float32 copies of x in backward alone.
/// </summary>
public static class FusedRmsNorm
{
    const string FunctionName = "rms_norm";
    static readonly ConcurrentDictionary<double, jit.CompilationUnit> Compiled = new();

    /// <summary>x (…, H) → x·r (…, H) in x's dtype, with autograd.</summary>
    public static Tensor Normalize(Tensor x, double eps) =>
        (Tensor)Compiled.GetOrAdd(eps, Compile).invoke(FunctionName, x);

    static jit.CompilationUnit Compile(double eps) => jit.compile($$"""
        def {{FunctionName}}(x: Tensor) -> Tensor:
            return torch.rms_norm(x, [x.size(-1)], None, {{eps.ToString("R", CultureInfo.InvariantCulture)}})

        """);   // the TorchScript parser wants a final newline
}
