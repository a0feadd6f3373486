using Lora.Runtime.Training;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Training;

public class ChunkedLossTests
{
    public ChunkedLossTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    [Theory]
    [InlineData(7, 0L)]                                                    // recomputed, vocabulary slices of 64, 64, 64 and 8
    [InlineData(1024, 0L)]                                                 // recomputed, one slice
    [InlineData(1024, ChunkedLinearCrossEntropy.KeepBudgetBytes)]          // probabilities kept from forward
    public void Chunked_head_and_loss_equal_full_logits_loss_and_input_gradient(int chunk, long keepBudget)
    {
        manual_seed(0);
        var weight = randn(200, 16) * 0.3;                           // (V, H), frozen
        var hidden = randn(2, 9, 16).requires_grad_(true);           // (B, T, H)
        var labels = randint(0, 200, [2, 9], dtype: ScalarType.Int64);
        labels[0, 3] = tensor(-100L);
        labels[1, TensorIndex.Slice(0, 4)] = tensor(-100L);

        var plain = CausalLmLoss.Compute(nn.functional.linear(hidden, weight), labels);
        plain.backward();
        var expectedGrad = hidden.grad!.clone();
        hidden.grad!.zero_();

        var shifted = hidden.narrow(1, 0, 8).reshape(-1, 16);
        var chunked = ChunkedLinearCrossEntropy.Compute(shifted, weight, labels.narrow(1, 1, 8).reshape(-1), chunk, keepBudget);
        chunked.backward();
        Assert.Equal(plain.item<float>(), chunked.item<float>(), 5);
        Tolerance.Close(hidden.grad!, expectedGrad, 1e-5, "input gradient");
    }

    [Theory]
    [InlineData(7)]       // vocabulary slices of 64, 64, 64 and 8
    [InlineData(1024)]    // one slice (a capped head never keeps probabilities: backward needs the plain logits too)
    public void A_soft_capped_head_gives_the_loss_and_gradient_of_its_capped_logits(int chunk)
    {
        // Gemma 2's final_logit_softcapping: logits c·tanh(z / c); d/dz = 1 − tanh²(z / c).
        manual_seed(4);
        var weight = randn(200, 16) * 2;                             // large enough that the cap bends the logits
        var hidden = randn(2, 9, 16).requires_grad_(true);
        var labels = randint(0, 200, [2, 9], dtype: ScalarType.Int64);
        labels[1, TensorIndex.Slice(0, 3)] = tensor(-100L);
        const double Cap = 5.0;

        var logits = nn.functional.linear(hidden, weight);
        Assert.True(logits.abs().max().item<float>() > 2 * Cap, "the cap never bends: the check would be vacuous");
        var plain = CausalLmLoss.Compute((logits / Cap).tanh() * Cap, labels);
        plain.backward();
        var expectedGrad = hidden.grad!.clone();
        hidden.grad!.zero_();

        var shifted = hidden.narrow(1, 0, 8).reshape(-1, 16);
        var head = new LmHeadWeight(weight).WithSoftcap(Cap);
        var chunked = ChunkedLinearCrossEntropy.Compute(shifted, head, labels.narrow(1, 1, 8).reshape(-1), chunk);
        chunked.backward();
        Assert.Equal(plain.item<float>(), chunked.item<float>(), 5);
        Tolerance.Close(hidden.grad!, expectedGrad, 1e-5, "input gradient");
        using var _ = no_grad();
        Assert.Equal(plain.item<float>(), ChunkedLinearCrossEntropy.Evaluate(shifted, head, labels.narrow(1, 1, 8).reshape(-1), chunk).item<float>(), 5);
    }

    [Fact]
    public void Kept_probabilities_reuse_the_last_steps_buffer_without_reading_its_contents()
    {
        manual_seed(2);
        var weight = randn(50, 16) * 0.3;
        var labels = randint(0, 50, [12], dtype: ScalarType.Int64);
        ChunkedLinearCrossEntropy.ReleaseBuffer();
        Tensor? firstBuffer = null;
        for (int step = 0; step < 3; step++)
        {
            // Each step's hidden differs; from the second step on, the logits land in the first step's buffer.
            var hidden = (randn(12, 16) * (step + 1)).requires_grad_(true);
            var plain = nn.functional.cross_entropy(nn.functional.linear(hidden, weight), labels);
            plain.backward();
            var expectedGrad = hidden.grad!.clone();
            hidden.grad!.zero_();
            var fused = ChunkedLinearCrossEntropy.Compute(hidden, weight, labels);
            fused.backward();
            Assert.Equal(plain.item<float>(), fused.item<float>(), 5);
            Tolerance.Close(hidden.grad!, expectedGrad, 1e-5, $"input gradient, step {step}");
            // Backward hands the buffer back; the next forward takes that same one.
            Assert.NotNull(ChunkedLinearCrossEntropy.SpareBuffer);
            firstBuffer ??= ChunkedLinearCrossEntropy.SpareBuffer;
            Assert.Same(firstBuffer, ChunkedLinearCrossEntropy.SpareBuffer);
        }
        ChunkedLinearCrossEntropy.ReleaseBuffer();
    }

    [Theory]
    [InlineData(7)]
    [InlineData(1024)]
    public void Evaluation_without_gradients_equals_the_full_logits_loss(int chunk)
    {
        manual_seed(1);
        var weight = randn(200, 16) * 0.3;
        var hidden = randn(18, 16);
        var labels = randint(0, 200, [18], dtype: ScalarType.Int64);
        labels[5] = tensor(-100L);
        var plain = nn.functional.cross_entropy(nn.functional.linear(hidden, weight), labels, ignore_index: -100);
        var chunked = ChunkedLinearCrossEntropy.Evaluate(hidden, weight, labels, chunk);
        Assert.Equal(plain.item<float>(), chunked.item<float>(), 5);
    }

    [Theory]
    [InlineData(1, 0L)]                                                    // slices of 64 columns: 4-bit rows dequantized per slice
    [InlineData(1024, ChunkedLinearCrossEntropy.KeepBudgetBytes)]          // kept: dequantized whole
    public void A_4bit_head_gives_the_loss_and_gradient_of_its_dequantized_weight(int chunk, long keepBudget)
    {
        manual_seed(3);
        // 200 rows of 96: a slice of 64 rows starts a 64-value block; the last slice is 8 rows.
        using var quantized = Lora.Runtime.Quantization.QuantizedWeight.Quantize(randn(200, 96) * 0.3, Lora.QuantType.NF4, doubleQuant: true);
        var dense = quantized.Dequantize(ScalarType.Float32);
        var labels = randint(0, 200, [24], dtype: ScalarType.Int64);
        labels[4] = tensor(-100L);
        (float Loss, Tensor Grad) Run(LmHeadWeight head)
        {
            var hidden = randn(24, 96, generator: new TorchSharp.torch.Generator(7)).requires_grad_(true);
            var loss = ChunkedLinearCrossEntropy.Compute(hidden, head, labels, chunk, keepBudget);
            loss.backward();
            return (loss.item<float>(), hidden.grad!);
        }
        var expected = Run(dense);
        var actual = Run(new LmHeadWeight(quantized, ScalarType.Float32));
        Assert.Equal(expected.Loss, actual.Loss, 5);
        Tolerance.Close(actual.Grad, expected.Grad, 1e-5, "input gradient");
        Assert.Equal(expected.Loss, ChunkedLinearCrossEntropy.Evaluate(randn(24, 96, generator: new TorchSharp.torch.Generator(7)), new LmHeadWeight(quantized, ScalarType.Float32), labels, chunk).item<float>(), 5);
    }
}
