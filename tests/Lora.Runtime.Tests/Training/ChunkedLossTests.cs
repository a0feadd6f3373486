using Lora.Runtime.Training;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Training;

public class ChunkedLossTests
{
    public ChunkedLossTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    [Theory]
    [InlineData(7, 0L)]                                                    // recomputed, chunks that do not divide the rows
    [InlineData(1024, 0L)]                                                 // recomputed, one chunk
    [InlineData(1024, ChunkedLinearCrossEntropy.KeepBudgetBytes)]          // probabilities kept from forward
    public void Chunked_head_and_loss_equal_full_logits_loss_and_input_gradient(int chunk, long keepBudget)
    {
        manual_seed(0);
        var weight = randn(50, 16) * 0.3;                            // (V, H), frozen
        var hidden = randn(2, 9, 16).requires_grad_(true);           // (B, T, H)
        var labels = randint(0, 50, [2, 9], dtype: ScalarType.Int64);
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
        var weight = randn(50, 16) * 0.3;
        var hidden = randn(18, 16);
        var labels = randint(0, 50, [18], dtype: ScalarType.Int64);
        labels[5] = tensor(-100L);
        var plain = nn.functional.cross_entropy(nn.functional.linear(hidden, weight), labels, ignore_index: -100);
        var chunked = ChunkedLinearCrossEntropy.Evaluate(hidden, weight, labels, chunk);
        Assert.Equal(plain.item<float>(), chunked.item<float>(), 5);
    }
}
