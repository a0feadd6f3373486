using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Quantization;

/// <summary>The dynamic 8-bit maps are create_dynamic_map(signed=True/False): decades of linspace midpoints, 0 and 1.</summary>
public sealed class DynamicQuantMapTests
{
    public DynamicQuantMapTests() => TorchNative.EnsureLoaded();

    [Fact]
    public void It_has_256_ascending_values_with_0_at_127_and_1_last()
    {
        var map = DynamicQuantMap.Signed;
        Assert.Equal(256, map.Count);
        for (var i = 1; i < map.Count; i++) Assert.True(map[i - 1] < map[i], $"map[{i - 1}] = {map[i - 1]} is not below map[{i}] = {map[i]}");
        Assert.Equal(0.0f, map[127]);
        Assert.Equal(1.0f, map[255]);
    }

    [Fact]
    public void Each_value_is_a_decade_scaled_linspace_midpoint_to_float32_precision()
    {
        // The same construction in exact arithmetic: decade i (0..6) holds ±10^(i−6)·(0.1 + 0.9·(2k+1)/2^(i+1)), k < 2^i.
        var exact = new List<double> { 0.0, 1.0 };
        for (var i = 0; i < 7; i++)
        {
            for (var k = 0; k < 1 << i; k++)
            {
                var mean = 0.1 + 0.9 * (2 * k + 1) / (1 << (i + 1));
                exact.Add(mean * Math.Pow(10, i - 6));
                exact.Add(-mean * Math.Pow(10, i - 6));
            }
        }

        exact.Sort();
        var map = DynamicQuantMap.Signed;
        for (var i = 0; i < 256; i++)
            Assert.True(Math.Abs(map[i] - exact[i]) <= 1e-6 * Math.Abs(exact[i]), $"map[{i}] = {map[i]:R}, exact {exact[i]:R}");
        Assert.Equal(-0.99296875, map[0], 6);
        Assert.Equal(5.5e-7, map[128], 12);
    }

    [Fact]
    public void Encoding_picks_the_nearest_entry()
    {
        var map = DynamicQuantMap.Signed;
        using var x = linspace(-1, 1, 2001);
        using var mapTensor = DynamicQuantMap.ToTensor(CPU);
        using var codes = DynamicQuantMap.Encode(x, mapTensor);
        var values = x.data<float>().ToArray();
        var chosen = codes.data<byte>().ToArray();
        for (var i = 0; i < values.Length; i++)
        {
            var nearest = QuantizationTestData.Nearest(values[i], map);
            Assert.True(Math.Abs(values[i] - map[chosen[i]]) <= nearest.Distance + 1e-7, $"x = {values[i]:R}: code {chosen[i]}, nearest {nearest.Index}");
        }
    }

    [Fact]
    public void The_unsigned_map_has_twice_the_steps_per_decade_and_no_negatives()
    {
        // Unsigned: decade i (0..6) holds 10^(i−6)·(0.1 + 0.9·(2k+1)/2^(i+2)), k < 2^(i+1); then 0 and 1.
        var exact = new List<double> { 0.0, 1.0 };
        for (var i = 0; i < 7; i++)
            for (var k = 0; k < 2 << i; k++)
                exact.Add((0.1 + 0.9 * (2 * k + 1) / (2 << (i + 1))) * Math.Pow(10, i - 6));
        exact.Sort();
        var map = DynamicQuantMap.Unsigned;
        Assert.Equal(256, map.Count);
        for (var i = 0; i < 256; i++)
            Assert.True(Math.Abs(map[i] - exact[i]) <= 1e-6 * Math.Abs(exact[i]), $"map[{i}] = {map[i]:R}, exact {exact[i]:R}");
        Assert.Equal(0.0f, map[0]);
        Assert.Equal(1.0f, map[255]);
    }
}
