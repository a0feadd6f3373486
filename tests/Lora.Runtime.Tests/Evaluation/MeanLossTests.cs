using Lora.Runtime.Data;
using Lora.Runtime.Experiments;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Tests.Models;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Evaluation;

/// <summary>The eval loss behind perplexity: a mean over every trainable token, whatever the batching.</summary>
public class MeanLossTests
{
    public MeanLossTests() => TorchNative.EnsureLoaded();

    static readonly TokenizedExample[] Examples =
    [
        // Trainable (predicted) positions are those after position 0 whose label is not -100: 4, 1 and 5 of them.
        new([3, 10, 11, 12, 13], [3, 10, 11, 12, 13], "t:1"),
        new([4, 20, 21], [-100, -100, 21], "t:2"),
        new([5, 30, 31, 32, 33, 34, 35, 36], [-100, -100, -100, 32, 33, 34, 35, 36], "t:3"),
    ];

    [Fact]
    public void A_model_with_zero_weights_guesses_uniformly_so_loss_is_ln_vocab_and_perplexity_the_vocab_size()
    {
        using var model = ModelLoader.Create(ModelConfig.Parse(SmallModels.LlamaConfig()));
        using (no_grad())
            foreach (var (_, p) in model.BaseParameters()) p.zero_();

        // Zero weights give zero logits: softmax is 1/96 for every token, cross-entropy ln 96 at every position.
        double loss = ExperimentEvaluator.MeanLoss(model, Examples, batchSize: 2, padId: 0);

        Assert.Equal(Math.Log(96), loss, 1e-5);
        Assert.Equal(96.0, Lora.Runtime.Evaluation.TextMetrics.Perplexity(loss), 1e-3);
    }

    [Fact]
    public void The_mean_weighs_each_example_by_its_trainable_tokens_and_ignores_padding()
    {
        using var model = SmallModels.Random(SmallModels.LlamaConfig(), seed: 5);
        double[] single = Examples.Select(e => ExperimentEvaluator.MeanLoss(model, [e], batchSize: 1, padId: 0)).ToArray();

        // (4·L1 + 1·L2 + 5·L3) / (4 + 1 + 5), whether the examples run one by one or padded together.
        double expected = (4 * single[0] + 1 * single[1] + 5 * single[2]) / 10;
        Assert.Equal(expected, ExperimentEvaluator.MeanLoss(model, Examples, batchSize: 3, padId: 0), 1e-5);
        Assert.Equal(expected, ExperimentEvaluator.MeanLoss(model, Examples, batchSize: 2, padId: 0), 1e-5);
        // A plain mean of the three example losses is a different number: the weighting matters.
        Assert.NotEqual(single.Average(), expected, 1e-5);
    }
}
