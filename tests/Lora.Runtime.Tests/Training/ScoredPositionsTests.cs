using Lora.Runtime.Adapters;
using Lora.Runtime.Data;
using Lora.Runtime.Tests.Models;
using Lora.Runtime.Tests.Parity;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Training;

/// <summary>
/// The loss runs the LM head only on the positions that carry a label (<see cref="Lora.Runtime.Training.TrainingBatch.ScoredPositions"/>):
/// the collator lists them, and the loss and the adapters' gradients are those of the head over every position.
/// </summary>
public class ScoredPositionsTests
{
    public ScoredPositionsTests() => Lora.Runtime.Native.TorchNative.EnsureLoaded();

    [Fact]
    public void The_collator_lists_the_shifted_positions_that_carry_a_label()
    {
        var examples = new[]
        {
            new TokenizedExample([5, 6, 7, 8], [-100, -100, 7, 8], "a:1"),   // labels at t = 2, 3 → positions 1, 2
            new TokenizedExample([9, 10], [-100, 10], "a:2"),                // label at t = 1 → position 3 + 0; padding after
        };

        var batch = BatchCollator.Collate(examples, padId: 0);

        Assert.Equal(new long[] { 1, 2, 3 }, batch.ScoredPositions!.data<long>().ToArray());
        var targets = batch.Labels.narrow(1, 1, 3).reshape(-1).index_select(0, batch.ScoredPositions);
        Assert.Equal(new long[] { 7, 8, 10 }, targets.data<long>().ToArray());
    }

    [Fact]
    public void A_batch_whose_every_position_carries_a_label_lists_none()
    {
        var examples = new[] { new TokenizedExample([1, 2, 3], [1, 2, 3], "a:1"), new TokenizedExample([4, 5, 6], [-100, 5, 6], "a:2") };
        Assert.Null(BatchCollator.Collate(examples, padId: 0).ScoredPositions);   // the first label is never predicted
    }

    [Theory]
    [InlineData("llama", false, false)]   // tied head, frozen: the chunked loss
    [InlineData("gemma2", false, false)]  // soft-capped tied head
    [InlineData("llama", true, false)]    // untied head with an adapter of its own: plain logits and cross-entropy
    [InlineData("llama", false, true)]    // without gradients (the eval loss)
    public void The_loss_and_gradients_equal_those_over_every_position(string family, bool adaptHead, bool evaluate)
    {
        var config = family == "gemma2" ? SmallModels.GemmaConfig("gemma2") : SmallModels.LlamaConfig(tie: !adaptHead);
        using var model = SmallModels.Random(config, seed: 4);
        manual_seed(5);
        var targets = adaptHead ? new[] { "q_proj", "down_proj", "lm_head" } : new[] { "q_proj", "down_proj" };
        LoraAdapters.Attach(model, "d", new LoraConfig { Rank = 4, Alpha = 8, TargetModules = targets });
        using (no_grad())
            foreach (var (_, p) in LoraAdapters.Parameters(model, "d").Where(p => p.PeftName.Contains("lora_B"))) p.normal_(0, 0.1);
        foreach (var (_, p) in LoraAdapters.Parameters(model, "d")) p.requires_grad = true;
        var examples = new[]
        {
            new TokenizedExample([5, 6, 7, 8, 9, 10], [-100, -100, -100, -100, 9, 10], "a:1"),
            new TokenizedExample([11, 12, 13], [-100, -100, 13], "a:2"),
            new TokenizedExample([14, 15, 16, 17, 18], [-100, 15, 16, -100, 18], "a:3"),
        };
        var batch = BatchCollator.Collate(examples, padId: 0);
        Assert.NotNull(batch.ScoredPositions);
        model.train();

        (float Loss, Dictionary<string, Tensor> Grads) Run(bool scored)
        {
            foreach (var (_, p) in LoraAdapters.Parameters(model, "d")) p.grad?.zero_();
            using var grad = evaluate ? no_grad() : null;
            var loss = model.Loss(batch.InputIds, batch.Labels, batch.AttentionMask, scored ? batch.ScoredPositions : null);
            if (!evaluate) loss.backward();
            return (loss.item<float>(), evaluate ? new() : LoraAdapters.Parameters(model, "d").ToDictionary(p => p.PeftName, p => p.Value.grad!.clone()));
        }

        var every = Run(scored: false);
        var scored = Run(scored: true);
        Assert.True(every.Loss > 0.1, $"loss {every.Loss}: the comparison would be vacuous");
        Assert.Equal(every.Loss, scored.Loss, 5);
        foreach (var (key, g) in every.Grads)
        {
            Assert.True(g.abs().max().item<float>() > 0, $"{key}: an all-zero gradient would make the check vacuous");
            Tolerance.Close(scored.Grads[key], g, 1e-5, key);
        }
    }
}
