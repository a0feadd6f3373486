using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using Lora.Runtime.Tests.Parity;
using static Lora.Runtime.Tests.Quantization.QuantizationTestData;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Quantization;


/// <summary>The 4-bit linear's output and input gradient equal a plain matmul with the dequantized weight.</summary>
public sealed class QuantizedMatmulTests
{
    private const double Relative = 1e-5;

    public QuantizedMatmulTests() => TorchNative.EnsureLoaded();

    private static QuantizedWeight FixtureWeight(string suffix)
    {
        var (_, weight) = TwoDimensionalWeights("tiny-llama").First(w => w.Name.EndsWith(suffix, StringComparison.Ordinal));
        return QuantizedWeight.Quantize(weight, QuantType.NF4, doubleQuant: true);
    }

    [Fact]
    public void Output_and_input_gradient_equal_a_fp32_matmul_with_the_dequantized_weight()
    {
        using var q = FixtureWeight("layers.0.mlp.gate_proj.weight");                      // [160, 64]
        var generator = new TorchSharp.torch.Generator(11);
        using var x = randn([2, 5, 64], generator: generator).requires_grad_();
        using var reference = x.detach().clone().requires_grad_();
        using var gradOutput = randn([2, 5, 160], generator: generator);

        using var y = QuantizedMatmul.Forward(x, q, null);
        using var deq = q.Dequantize(ScalarType.Float32);
        using var yRef = nn.functional.linear(reference, deq);
        y.backward([gradOutput]);
        yRef.backward([gradOutput]);

        Assert.Equal(new long[] { 2, 5, 160 }, y.shape);
        Tolerance.Close(y, yRef, Relative, "output");
        Tolerance.Close(x.grad!, reference.grad!, Relative, "grad_x");
        Assert.False(deq.requires_grad);
    }

    [Fact]
    public void A_trainable_bias_gets_its_gradient_and_the_input_none_when_it_needs_none()
    {
        using var q = FixtureWeight("layers.1.self_attn.k_proj.weight");                   // [32, 64]
        var generator = new TorchSharp.torch.Generator(12);
        using var x = randn([3, 64], generator: generator);
        using var bias = randn([32], generator: generator).requires_grad_();
        using var biasRef = bias.detach().clone().requires_grad_();
        using var gradOutput = randn([3, 32], generator: generator);

        using var y = QuantizedMatmul.Forward(x, q, bias);
        using var deq = q.Dequantize(ScalarType.Float32);
        using var yRef = nn.functional.linear(x, deq, biasRef);
        y.backward([gradOutput]);
        yRef.backward([gradOutput]);

        Tolerance.Close(y, yRef, Relative, "output");
        Tolerance.Close(bias.grad!, biasRef.grad!, Relative, "grad_bias");
        Assert.Null(x.grad);
    }

    [Fact]
    public void It_computes_in_the_inputs_dtype()
    {
        using var q = FixtureWeight("layers.0.self_attn.o_proj.weight");                   // [64, 64]
        using var x = randn([4, 64], generator: new TorchSharp.torch.Generator(13)).to_type(ScalarType.BFloat16).requires_grad_();
        using var y = QuantizedMatmul.Forward(x, q, null);
        using var deq = q.Dequantize(ScalarType.BFloat16);
        using var yRef = nn.functional.linear(x.detach(), deq);

        Assert.Equal(ScalarType.BFloat16, y.dtype);
        Assert.Equal(Floats(yRef), Floats(y));
        y.sum().backward();
        Assert.Equal(ScalarType.BFloat16, x.grad!.dtype);
    }

    [Fact]
    public void Without_any_input_needing_a_gradient_it_is_a_plain_forward()
    {
        using var q = FixtureWeight("layers.0.self_attn.v_proj.weight");                   // [32, 64]
        using var x = randn([6, 64], generator: new TorchSharp.torch.Generator(14));
        using var y = QuantizedMatmul.Forward(x, q, null);
        using var deq = q.Dequantize(ScalarType.Float32);
        using var yRef = nn.functional.linear(x, deq);

        Assert.False(y.requires_grad);
        Tolerance.Close(y, yRef, Relative, "output");
    }

    [Fact]
    public void Mismatched_features_are_reported_with_both_shapes()
    {
        using var q = FixtureWeight("layers.0.mlp.down_proj.weight");                      // [64, 160]
        using var x = zeros(2, 64);
        var error = Assert.Throws<ArgumentException>(() => QuantizedMatmul.Forward(x, q, null));
        Assert.Contains("64", error.Message);
        Assert.Contains("[64, 160]", error.Message);
    }
}
