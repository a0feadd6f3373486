using Lora.Runtime.Models;
using Lora.Runtime.Tokenization;
using static TorchSharp.torch;

namespace Lora.Runtime.Evaluation;

/// <summary>How a model ranked the choices of one question.</summary>
/// <param name="LogLikelihoods">Each choice's summed log-likelihood of its tokens after the question (nats).</param>
/// <param name="Predicted">The choice with the highest log-likelihood (the first of equals): <c>acc</c>'s pick.</param>
/// <param name="PredictedNorm">The choice with the highest log-likelihood per character: <c>acc_norm</c>'s pick.</param>
/// <param name="Answer">The right choice.</param>
public sealed record ChoiceScore(IReadOnlyList<double> LogLikelihoods, int Predicted, int PredictedNorm, int Answer);

/// <summary>
/// Multiple-choice scoring as lm-evaluation-harness does it for a <c>multiple_choice</c> task on a causal model: each
/// choice is the continuation <c>" " + choice</c> (its target delimiter) of the question; whitespace that ends the
/// question moves to the continuation; the continuation's tokens are those of encode(question + continuation) after the
/// tokens of encode(question), without special tokens (an empty question is the BOS token, or EOS without one); the
/// model reads question and continuation but the last token, truncated on the left to its context, and the log-softmax
/// of its logits at the continuation's tokens is summed. <c>acc</c> is argmax of the sums, <c>acc_norm</c> argmax of the
/// sums divided by each choice's length in characters.
/// </summary>
public static class MultipleChoiceScorer
{
    /// <summary>What the harness puts between the question and a choice (its default target_delimiter).</summary>
    public const string Delimiter = " ";

    /// <summary>Scores every row, one forward pass per choice, in eval mode without gradients.</summary>
    public static IReadOnlyList<ChoiceScore> Score(CausalLanguageModel model, ModelTokenizer tokenizer, IReadOnlyList<Lora.MultipleChoiceRow> rows,
        CancellationToken cancellationToken = default)
    {
        model.eval();
        using var _ = no_grad();
        var scores = new List<ChoiceScore>(rows.Count);
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var lls = row.Choices.Select(choice =>
            {
                var (context, continuation) = EncodePair(tokenizer, row.Question, Delimiter + choice);
                return LogLikelihood(model, context, continuation);
            }).ToList();
            scores.Add(new ChoiceScore(lls, ArgMax(lls), ArgMax(lls.Select((ll, i) => ll / row.Choices[i].Length).ToList()), row.Answer));
        }
        return scores;
    }

    /// <summary>The share of rows whose <c>acc</c> pick is the answer.</summary>
    public static double Accuracy(IReadOnlyList<ChoiceScore> scores) => scores.Average(s => s.Predicted == s.Answer ? 1.0 : 0.0);

    /// <summary>The share of rows whose <c>acc_norm</c> pick is the answer.</summary>
    public static double AccuracyNorm(IReadOnlyList<ChoiceScore> scores) => scores.Average(s => s.PredictedNorm == s.Answer ? 1.0 : 0.0);

    /// <summary>The context's tokens and the continuation's, split as the harness's _encode_pair splits them.</summary>
    public static (IReadOnlyList<int> Context, IReadOnlyList<int> Continuation) EncodePair(ModelTokenizer tokenizer, string context, string continuation)
    {
        int spaces = context.Length - context.TrimEnd().Length;
        if (spaces > 0) (context, continuation) = (context[..^spaces], context[^spaces..] + continuation);
        var whole = tokenizer.Encode(context + continuation, addBos: false);
        var contextIds = tokenizer.Encode(context, addBos: false);
        var continuationIds = whole.Skip(contextIds.Count).ToList();
        if (contextIds.Count == 0)
            contextIds = [tokenizer.BosId ?? tokenizer.EosId ?? throw new InvalidOperationException("An empty question needs a BOS or EOS token to stand for it, and the tokenizer has neither.")];
        return (contextIds, continuationIds);
    }

    /// <summary>Σ log p(continuation token | everything before it).</summary>
    static double LogLikelihood(CausalLanguageModel model, IReadOnlyList<int> context, IReadOnlyList<int> continuation)
    {
        if (continuation.Count == 0) return 0;
        using var scope = NewDisposeScope();
        var all = context.Concat(continuation).Select(i => (long)i).ToArray();
        // The model reads all but the last token, at most its context length (the harness cuts on the left).
        var input = all[..^1];
        if (model.Config.MaxPositions is var max and > 0 && input.Length > max) input = input[^max..];
        var hidden = model.Hidden(tensor(input, device: model.Device).unsqueeze(0), null, null, null, out _);   // (1, T, H)
        // The head runs only on the positions that predict the continuation: the question's own logits are never read.
        var last = model.LogitsFrom(hidden[0, TensorIndex.Slice(-continuation.Count)]).to(ScalarType.Float64);   // (C, V)
        var logProbs = last.log_softmax(-1);
        var targets = tensor(continuation.Select(i => (long)i).ToArray(), device: model.Device).unsqueeze(1);   // (C, 1)
        return logProbs.gather(1, targets).sum().item<double>();
    }

    static int ArgMax(IReadOnlyList<double> values)
    {
        int best = 0;
        for (int i = 1; i < values.Count; i++)
            if (values[i] > values[best]) best = i;
        return best;
    }
}
