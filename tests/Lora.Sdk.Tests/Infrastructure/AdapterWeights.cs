using System.Runtime.InteropServices;
using Lora.Runtime.Safetensors;

namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>Float32 and int64 tensors of a safetensors file, read without TorchSharp, and their comparison.</summary>
public static class AdapterWeights
{
    public static Dictionary<string, float[]> ReadFloat32(string path, Func<string, bool>? include = null)
    {
        using var file = SafetensorsFile.Open(path);
        return file.Entries
            .Where(e => e.DType == SafetensorsDType.F32 && (include?.Invoke(e.Name) ?? true))
            .ToDictionary(e => e.Name, e => MemoryMarshal.Cast<byte, float>(file.GetBytes(e)).ToArray());
    }

    public static (long[] Shape, long[] Values) ReadInt64(string path, string name)
    {
        using var file = SafetensorsFile.Open(path);
        var entry = file.Get(name);
        Assert.Equal(SafetensorsDType.I64, entry.DType);
        return (entry.Shape, MemoryMarshal.Cast<byte, long>(file.GetBytes(entry)).ToArray());
    }

    /// <summary>‖actual − expected‖ / ‖expected‖.</summary>
    public static double RelativeError(float[] actual, float[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        double difference = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            difference += Math.Pow(actual[i] - (double)expected[i], 2);
            norm += Math.Pow(expected[i], 2);
        }
        return Math.Sqrt(difference) / Math.Max(Math.Sqrt(norm), 1e-30);
    }

    /// <summary>Asserts the same tensor names and every tensor within <paramref name="tolerance"/> relative error; the message lists every error above it.</summary>
    public static void AssertClose(IReadOnlyDictionary<string, float[]> expected, IReadOnlyDictionary<string, float[]> actual, double tolerance, string context = "")
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        var errors = expected.Select(p => (Name: p.Key, Error: RelativeError(actual[p.Key], p.Value))).ToList();
        var above = errors.Where(e => e.Error > tolerance).Select(e => $"{e.Name}: {e.Error:E2}").ToList();
        Assert.True(above.Count == 0,
            $"{above.Count} of {errors.Count} tensors exceed relative error {tolerance:E0} (largest {errors.Max(e => e.Error):E2}){context}:\n{string.Join("\n", above)}");
    }
}
