using Lora.Runtime.Models;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Models;

public class RmsNormTests
{
    public RmsNormTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    [Fact]
    public void A_bf16_norm_has_the_gradient_of_its_float32_composition()
    {
        // The bf16 path is one autograd node with its own backward; its input gradient must match the float32 ops it
        // stands for (to bf16 rounding), and its output must equal the composed forward bit for bit.
        manual_seed(5);
        using var norm = new RmsNorm("post_attention_layernorm", 64, 1e-6, ScalarType.BFloat16) { KeepsInputOnly = true };
        using (no_grad()) norm.weight.copy_(1 + 0.2 * randn(64));
        var source = randn(3, 5, 64) * 2;
        var upstream = randn(3, 5, 64);

        var x = source.to_type(ScalarType.BFloat16).requires_grad_(true);
        var y = norm.forward(x);
        (y.to_type(ScalarType.Float32) * upstream).sum().backward();

        var x32 = source.to_type(ScalarType.BFloat16).to_type(ScalarType.Float32).requires_grad_(true);
        var h = x32 * rsqrt(x32.pow(2).mean([-1], keepdim: true) + 1e-6);
        var expected = norm.weight.to_type(ScalarType.Float32) * h;
        (expected * upstream).sum().backward();

        using (no_grad())
        {
            var composed = norm.weight * (x.to_type(ScalarType.Float32) * rsqrt(x.to_type(ScalarType.Float32).pow(2).mean([-1], keepdim: true) + 1e-6)).to_type(ScalarType.BFloat16);
            Assert.True(y.eq(composed).all().item<bool>(), "forward differs from the composed ops");
        }
        double error = Tolerance.RelativeError(x.grad!.to_type(ScalarType.Float32), x32.grad!);
        Assert.True(error < 1e-2, $"input gradient relative error {error}");
        Assert.True(x32.grad!.abs().max().item<float>() > 0, "zero gradient: the check would be vacuous");
    }

    [Theory]
    [InlineData(ScalarType.Float32, 1e-6)]
    [InlineData(ScalarType.BFloat16, 1e-5)]
    public void The_fused_norm_the_GPU_uses_equals_the_composed_one_forward_and_backward(ScalarType dtype, double eps)
    {
        // FusedRmsNorm calls libtorch's rms_norm through a TorchScript function (what a CUDA device runs); on the CPU the
        // same function runs too, so its output and input gradient are checked here against the composed formula.
        manual_seed(6);
        var source = randn(4, 7, 96) * 3;
        var upstream = randn(4, 7, 96);

        var x = source.to_type(dtype).requires_grad_(true);
        var y = FusedRmsNorm.Normalize(x, eps);
        Assert.Equal(dtype, y.dtype);
        (y.to_type(ScalarType.Float32) * upstream).sum().backward();

        var x32 = source.to_type(dtype).to_type(ScalarType.Float32).requires_grad_(true);
        var expected = x32 * rsqrt(x32.pow(2).mean([-1], keepdim: true) + eps);
        (expected * upstream).sum().backward();

        double tolerance = dtype == ScalarType.Float32 ? 1e-6 : 1e-2;
        double forward = Tolerance.RelativeError(y.detach().to_type(ScalarType.Float32), expected.detach());
        double backward = Tolerance.RelativeError(x.grad!.to_type(ScalarType.Float32), x32.grad!);
        Assert.True(forward < tolerance, $"output relative error {forward}");
        Assert.True(backward < tolerance, $"input gradient relative error {backward}");
        Assert.True(x32.grad!.abs().max().item<float>() > 0, "zero gradient: the check would be vacuous");
    }

    [Theory]
    [InlineData(ScalarType.Float32, false)]
    [InlineData(ScalarType.BFloat16, false)]
    [InlineData(ScalarType.BFloat16, true)]
    public void Gemma_norm_scales_by_one_plus_weight_in_float32_before_the_cast(ScalarType dtype, bool keepsInputOnly)
    {
        // transformers' GemmaRMSNorm: (x·r · (1 + w)) in float32, then cast; Llama's casts x·r first, then multiplies by w.
        manual_seed(7);
        using var norm = new RmsNorm("input_layernorm", 64, 1e-6, dtype, onePlusWeight: true) { KeepsInputOnly = keepsInputOnly };
        Assert.Equal(0, norm.weight.to_type(ScalarType.Float32).abs().sum().item<float>());   // stored as an offset from 1, so it starts at zero
        using (no_grad()) norm.weight.copy_(0.3 * randn(64));
        var source = randn(3, 5, 64) * 2;
        var upstream = randn(3, 5, 64);

        var x = source.to_type(dtype).requires_grad_(true);
        var y = norm.forward(x);
        Assert.Equal(dtype, y.dtype);
        (y.to_type(ScalarType.Float32) * upstream).sum().backward();

        var x32 = source.to_type(dtype).to_type(ScalarType.Float32).requires_grad_(true);
        var composed = x32 * rsqrt(x32.pow(2).mean([-1], keepdim: true) + 1e-6) * (1 + norm.weight.to_type(ScalarType.Float32));
        (composed * upstream).sum().backward();
        using (no_grad())
            Assert.True(y.eq(composed.to_type(dtype)).all().item<bool>(), "forward differs from the composed ops cast once at the end");
        double error = Tolerance.RelativeError(x.grad!.to_type(ScalarType.Float32), x32.grad!);
        Assert.True(error < (dtype == ScalarType.Float32 ? 1e-6 : 1e-2), $"input gradient relative error {error}");
    }

    [Fact]
    public void Gradient_checkpointing_makes_every_norm_of_the_model_keep_its_input_only()
    {
        using var model = SmallModels.Random(SmallModels.LlamaConfig());
        var norms = model.modules().OfType<RmsNorm>().ToList();
        Assert.NotEmpty(norms);
        Assert.All(norms, n => Assert.False(n.KeepsInputOnly));
        model.GradientCheckpointing = true;
        Assert.All(norms, n => Assert.True(n.KeepsInputOnly));
        model.GradientCheckpointing = false;
        Assert.All(norms, n => Assert.False(n.KeepsInputOnly));
    }
}
