using static TorchSharp.torch;

namespace Lora.Runtime.Quantization;

/// <summary>The block arithmetic shared by the 4-bit and the nested 8-bit quantization: split, absmax, scale.</summary>
internal static class Blockwise
{
    public static long BlockCount(long n, int blocksize) => (n + blocksize - 1) / blocksize;

    /// <summary>float32 [n] → [ceil(n/blocksize), blocksize], the last block padded with zeros (as the kernels load it).</summary>
    public static Tensor ToBlocks(Tensor flat, int blocksize)
    {
        var n = flat.shape[0];
        var padding = BlockCount(n, blocksize) * blocksize - n;
        var padded = padding == 0 ? flat : nn.functional.pad(flat, [0, padding]);
        return padded.view(-1, blocksize);
    }

    /// <summary>[blocks, blocksize] → [blocks]: the largest |value| of each block.</summary>
    public static Tensor Absmax(Tensor blocks) => blocks.abs().amax([1]);

    /// <summary>[blocks, blocksize] × [blocks] → [blocks, blocksize]: x · (1/absmax), the kernels' float32 arithmetic.</summary>
    public static Tensor Normalize(Tensor blocks, Tensor absmax) => blocks * absmax.reciprocal().unsqueeze(1);

    /// <summary>
    /// Multiplies values [m] in place by their block's scale [blocks] (m ≤ blocks·blocksize; element i is in block
    /// i / blocksize). Works on views, so no [m]-sized copy of the scales is made.
    /// </summary>
    public static void ScaleInPlace(Tensor values, Tensor scales, int blocksize)
    {
        var m = values.shape[0];
        var fullBlocks = m / blocksize;
        if (fullBlocks > 0)
        {
            using var head = values.narrow(0, 0, fullBlocks * blocksize).view(fullBlocks, blocksize);
            using var headScales = scales.narrow(0, 0, fullBlocks).unsqueeze(1);
            head.mul_(headScales);
        }

        var rest = m - fullBlocks * blocksize;
        if (rest > 0)
        {
            using var tail = values.narrow(0, fullBlocks * blocksize, rest);
            using var tailScale = scales.narrow(0, fullBlocks, 1);
            tail.mul_(tailScale);
        }
    }
}
