using Lora.Runtime.Native;
using Lora.Runtime.Tensors;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Quantization;

/// <summary>The fixture base models' 2-D weights, read once, and brute-force references to check the quantizer against.</summary>
internal static class QuantizationTestData
{
    public static readonly string[] Models = ["tiny-gpt2", "tiny-llama"];

    private static readonly Lazy<Dictionary<string, List<(string Name, Tensor Weight)>>> Weights = new(() =>
    {
        TorchNative.EnsureLoaded();
        return Models.ToDictionary(m => m, m => TensorFiles.ReadAll(RepoPaths.Fixture(m, "base", "model.safetensors"))
            .Where(kv => kv.Value.dim() == 2)
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => (kv.Key, kv.Value))
            .ToList());
    });

    /// <summary>Every 2-D weight of a fixture model (float32, CPU), by name.</summary>
    public static IReadOnlyList<(string Name, Tensor Weight)> TwoDimensionalWeights(string model) => Weights.Value[model];

    /// <summary>A CPU float32 tensor as a flat array.</summary>
    public static float[] Floats(Tensor t) => t.detach().cpu().to_type(ScalarType.Float32).contiguous().reshape(-1).data<float>().ToArray();

    public static byte[] Bytes(Tensor t) => t.detach().cpu().contiguous().reshape(-1).data<byte>().ToArray();

    /// <summary>The tensor's storage bytes, whatever its dtype: equal arrays mean bit-identical tensors.</summary>
    public static byte[] RawBytes(Tensor t) => t.detach().cpu().contiguous().bytes.ToArray();

    /// <summary>Per block of <paramref name="blocksize"/>: max |w| over the block's real (unpadded) values.</summary>
    public static float[] BlockAbsmax(float[] values, int blocksize)
    {
        var blocks = (values.Length + blocksize - 1) / blocksize;
        var absmax = new float[blocks];
        for (var i = 0; i < values.Length; i++) absmax[i / blocksize] = Math.Max(absmax[i / blocksize], Math.Abs(values[i]));
        return absmax;
    }

    /// <summary>Index of the level nearest to x, and that distance; a brute-force argmin over all levels.</summary>
    public static (int Index, double Distance) Nearest(double x, IReadOnlyList<float> levels)
    {
        var best = (Index: -1, Distance: double.PositiveInfinity);
        for (var i = 0; i < levels.Count; i++)
        {
            var d = Math.Abs(x - levels[i]);
            if (d < best.Distance) best = (i, d);
        }

        return best;
    }

    /// <summary>
    /// The largest distance from level <paramref name="code"/> of any x in [-1, 1] that is nearer to it than to
    /// every other level: half the gap to each neighbour, or the distance to ±1 at the ends.
    /// </summary>
    public static double CellRadius(IReadOnlyList<float> sortedLevels, int code)
    {
        var below = code == 0 ? sortedLevels[0] - -1.0 : (sortedLevels[code] - (double)sortedLevels[code - 1]) / 2;
        var above = code == sortedLevels.Count - 1 ? 1.0 - sortedLevels[code] : (sortedLevels[code + 1] - (double)sortedLevels[code]) / 2;
        return Math.Max(Math.Max(below, above), 0.0);
    }
}
