using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using Lora.Runtime.Training;
using Parameter = TorchSharp.Modules.Parameter;
using AdamW = Lora.Runtime.Training.AdamW;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Training;

/// <summary>AdamW with blockwise 8-bit moments: storage, accuracy against float32 AdamW, and exact checkpointing.</summary>
public sealed class EightBitAdamWTests
{
    public EightBitAdamWTests() => TorchNative.EnsureLoaded();

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_stored_moment_comes_back_as_the_nearest_map_entry_times_its_block_absmax(bool signed)
    {
        manual_seed(1);
        var value = signed ? randn(37, 100) * 0.01 : randn(37, 100).square() * 1e-4;   // 3,700 values: 15 blocks, the last partial
        using var parameter = zeros(37, 100);
        using var moment = EightBitMoment.Zeros(parameter, signed);
        moment.Store(value);
        var loaded = moment.Load();
        Assert.Equal(value.shape, loaded.shape);
        var map = signed ? DynamicQuantMap.Signed : DynamicQuantMap.Unsigned;
        var flat = value.reshape(-1).data<float>().ToArray();
        var back = loaded.reshape(-1).data<float>().ToArray();
        var absmax = moment.Absmax.data<float>().ToArray();
        Assert.Equal(15, absmax.Length);
        for (int i = 0; i < flat.Length; i++)
        {
            float scale = absmax[i / EightBitMoment.Blocksize];
            var nearest = Quantization.QuantizationTestData.Nearest(flat[i] / scale, map);
            Assert.True(Math.Abs(back[i] - flat[i]) <= (nearest.Distance + 1e-6) * scale,
                $"value {i}: {flat[i]:R} came back as {back[i]:R}, not as the nearest map entry {map[nearest.Index]:R} · {scale:R}");
        }
    }

    [Fact]
    public void Zero_moments_load_as_zeros_and_state_is_a_quarter_of_float32()
    {
        var parameters = new[] { new Parameter(zeros(64, 512)), new Parameter(zeros(8, 8)) };
        using var eightBit = new AdamW(parameters, eightBit: true);
        using var plain = new AdamW(parameters);
        Assert.All(eightBit.State(0).Where(s => s.Name is "m" or "v"), s => Assert.Equal(ScalarType.Byte, s.Value.dtype));
        Assert.Equal(ScalarType.Float32, eightBit.State(1).First().Value.dtype);   // 64 values: below the 8-bit minimum
        // 32,768 values: 1 byte each + 128 float32 absmax per moment, against 4 bytes each.
        long expected = 2 * (32768 + 128 * 4) + 2 * 64 * 4;
        Assert.Equal(expected, eightBit.StateBytes);
        Assert.True(eightBit.StateBytes < plain.StateBytes * 0.27, $"{eightBit.StateBytes} vs {plain.StateBytes} bytes");
    }

    [Fact]
    public void It_follows_float32_adamw_closely_over_a_regression()
    {
        // Least squares, 30 steps: the 8-bit run must land near the float32 run and both must fit.
        manual_seed(3);
        var x = randn(256, 64);
        var target = x.matmul(randn(64, 96) * 0.1);
        var (exact, exactLoss) = Fit(x, target, eightBit: false);
        var (quantized, quantizedLoss) = Fit(x, target, eightBit: true);
        Assert.True(quantizedLoss < 0.5 * Loss(x, target, zeros(64, 96)), $"8-bit AdamW did not fit: loss {quantizedLoss}");
        var drift = (quantized - exact).norm().item<float>() / exact.norm().item<float>();
        Assert.True(drift < 0.02, $"8-bit weights differ from float32 AdamW's by {drift:P2}");
        Assert.True(Math.Abs(quantizedLoss - exactLoss) < 0.1 * exactLoss, $"loss {quantizedLoss} vs {exactLoss}");
    }

    [Fact]
    public void Restoring_its_state_reproduces_the_uninterrupted_run_exactly()
    {
        manual_seed(4);
        var x = randn(128, 64);
        var target = x.matmul(randn(64, 80) * 0.1);
        var straight = new Parameter(zeros(64, 80));
        using var straightOpt = new AdamW([straight], weightDecay: 0.01, eightBit: true);
        var resumed = new Parameter(zeros(64, 80));
        using var first = new AdamW([resumed], weightDecay: 0.01, eightBit: true);
        for (int i = 0; i < 3; i++) { StepOn(straight, straightOpt, x, target); StepOn(resumed, first, x, target); }
        var saved = first.State(0).ToDictionary(s => s.Name, s => s.Value.clone());
        using var second = new AdamW([resumed], weightDecay: 0.01, eightBit: true);
        second.Restore(first.Step, (_, name) => saved[name]);
        for (int i = 0; i < 3; i++) { StepOn(straight, straightOpt, x, target); StepOn(resumed, second, x, target); }
        Assert.True(straight.detach().eq(resumed.detach()).all().item<bool>(), "the resumed weights differ from the uninterrupted run");
    }

    static (Tensor Weight, double Loss) Fit(Tensor x, Tensor target, bool eightBit)
    {
        var w = new Parameter(zeros(64, 96));
        using var optimizer = new AdamW([w], weightDecay: 0, eightBit: eightBit);
        for (int i = 0; i < 30; i++) StepOn(w, optimizer, x, target);
        return (w.detach().clone(), Loss(x, target, w));
    }

    static void StepOn(Parameter w, AdamW optimizer, Tensor x, Tensor target)
    {
        using var scope = NewDisposeScope();
        var loss = (x.matmul(w) - target).square().mean();
        loss.backward();
        optimizer.Apply(1e-2);
        optimizer.ZeroGrad();
    }

    static double Loss(Tensor x, Tensor target, Tensor w)
    {
        using var _ = no_grad();
        return (x.matmul(w) - target).square().mean().item<float>();
    }
}
