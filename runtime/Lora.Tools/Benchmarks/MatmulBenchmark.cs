using System.Diagnostics;
using Lora.Runtime.Native;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Tools.Benchmarks;

/// <summary>The dense matmul rate of this machine: the ceiling training throughput is measured against.</summary>
public static class MatmulBenchmark
{
    /// <summary>Median GFLOP/s of N×N×N products (2N³ FLOPs each) after warm-up.</summary>
    public static Dictionary<string, object> Run(int size, string dtypeName, string deviceName, int threads, int repeats = 10)
    {
        bool cuda = deviceName.StartsWith("cuda");
        TorchNative.EnsureLoaded(cuda);
        if (threads > 0) set_num_threads(threads);
        var dtype = dtypeName switch { "fp32" => ScalarType.Float32, "bf16" => ScalarType.BFloat16, _ => throw new ArgumentException($"--dtype '{dtypeName}': expected fp32 or bf16.") };
        var device = new Device(deviceName);
        manual_seed(0);
        using var a = randn(size, size, dtype: dtype, device: device);
        using var b = randn(size, size, dtype: dtype, device: device);
        var rates = new List<double>();
        for (int i = 0; i < repeats + 2; i++)
        {
            var clock = Stopwatch.StartNew();
            using (var c = a.matmul(b)) { if (cuda) torch.cuda.synchronize(); }
            clock.Stop();
            if (i >= 2) rates.Add(2.0 * size * size * (double)size / clock.Elapsed.TotalSeconds / 1e9);
        }
        rates.Sort();
        return new Dictionary<string, object>
        {
            ["gflops"] = rates[rates.Count / 2], ["size"] = size, ["dtype"] = dtypeName, ["device"] = deviceName,
            ["threads"] = get_num_threads(), ["repeats"] = repeats,
        };
    }
}
