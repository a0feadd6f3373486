using Lora.Runtime.Data;
using Lora.Runtime.Evaluation;
using Lora.Runtime.Models;
using Lora.Runtime.Tests.Tools.Pretraining;
using Lora.Runtime.Tokenization;
using static TorchSharp.torch;

namespace Lora.Runtime.Tests.Evaluation;

/// <summary>
/// Multiple-choice scoring as lm-evaluation-harness does it, checked on the built-in model against log-likelihoods the test
/// computes itself: the whole sequence through the model once, the log-softmax of each position's logits by hand in
/// double precision, summed over the choice's tokens; acc and acc_norm as argmax of the sums and of the sums per character.
/// </summary>
public sealed class MultipleChoiceScorerTests
{
    static readonly Lazy<(CausalLanguageModel Model, ModelTokenizer Tokenizer)> Loaded = new(() =>
    {
        Lora.Runtime.Native.TorchNative.EnsureLoaded();
        return (ModelLoader.Load(ShippedRecipe.ModelFolder), ModelTokenizer.Load(ShippedRecipe.ModelFolder));
    });

    /// <summary>Choices of different lengths (so the two picks can differ), a question that ends in a space, and an empty question.</summary>
    static readonly Lora.MultipleChoiceRow[] Rows =
    [
        new("Question: What do plants need to grow?\nAnswer:", ["light", "a piano", "the colour of Tuesday afternoons"], 0),
        new("The cat sat on the", ["mat", "quantum chromodynamics", "roof"], 0),
        new("Water freezes when it is very ", ["cold", "loud"], 0),
        new("", ["the", "xylophonic"], 0),
        new("Paris is the capital of", ["France", "the moon", "a very small blue teapot"], 0),
    ];

    [Fact]
    public void Log_likelihoods_acc_and_acc_norm_agree_with_a_computation_by_hand()
    {
        var (model, tokenizer) = Loaded.Value;

        var scores = MultipleChoiceScorer.Score(model, tokenizer, Rows);

        int accHits = 0, normHits = 0;
        for (int r = 0; r < Rows.Length; r++)
        {
            var row = Rows[r];
            var byHand = row.Choices.Select(c => ByHand(model, tokenizer, row.Question, c)).ToList();
            for (int c = 0; c < byHand.Count; c++)
                Assert.True(Math.Abs(byHand[c] - scores[r].LogLikelihoods[c]) < 1e-4,
                    $"row {r} choice '{row.Choices[c]}': by hand {byHand[c]}, scorer {scores[r].LogLikelihoods[c]}");
            int acc = byHand.IndexOf(byHand.Max());
            var perChar = byHand.Select((ll, c) => ll / row.Choices[c].Length).ToList();
            int norm = perChar.IndexOf(perChar.Max());
            Assert.Equal(acc, scores[r].Predicted);
            Assert.Equal(norm, scores[r].PredictedNorm);
            accHits += acc == row.Answer ? 1 : 0;
            normHits += norm == row.Answer ? 1 : 0;
        }
        Assert.Equal(accHits / (double)Rows.Length, MultipleChoiceScorer.Accuracy(scores), 12);
        Assert.Equal(normHits / (double)Rows.Length, MultipleChoiceScorer.AccuracyNorm(scores), 12);
        // Every choice costs something: a log-likelihood is negative.
        Assert.All(scores.SelectMany(s => s.LogLikelihoods), ll => Assert.True(ll < 0));
    }

    [Fact]
    public void A_question_ending_in_whitespace_gives_it_to_the_choice_and_an_empty_one_is_the_bos_token()
    {
        var (_, tokenizer) = Loaded.Value;

        var (context, continuation) = MultipleChoiceScorer.EncodePair(tokenizer, "Water freezes when it is very ", " cold");
        Assert.Equal(tokenizer.Encode("Water freezes when it is very", addBos: false), context);
        // "very" + "  cold": the continuation is what encoding the whole adds after the question's tokens.
        Assert.Equal(tokenizer.Encode("Water freezes when it is very  cold", addBos: false).Skip(context.Count), continuation);

        var (empty, word) = MultipleChoiceScorer.EncodePair(tokenizer, "", " the");
        Assert.Equal([tokenizer.BosId ?? tokenizer.EosId!.Value], empty);
        Assert.Equal(tokenizer.Encode(" the", addBos: false), word);
    }

    [Fact]
    public void A_bad_line_is_named_with_its_file_and_line()
    {
        using var dir = new TempFolder();
        var path = dir.WriteText("mc.jsonl", """
            {"question": "2 + 2 =", "choices": ["4", "5"], "answer": 0}
            {"Question": "Up or down?", "Choices": ["up", "down"], "Answer": 1}
            {"question": "1 + 1 =", "choices": ["2", "3"], "answer": 2}
            """);

        var error = Assert.Throws<DatasetException>(() => MultipleChoiceRows.Read(path));

        Assert.StartsWith($"{path}:3: 'answer' must be the index of the right choice, 0 to 1", error.Message);
        File.WriteAllLines(path, File.ReadAllLines(path).Take(2));
        var rows = MultipleChoiceRows.Read(path);
        // Field names ignore case, as typed dataset rows' do.
        Assert.Equal(("Up or down?", 1), (rows[1].Row.Question, rows[1].Row.Answer));
        Assert.Equal(["up", "down"], rows[1].Row.Choices);
    }

    /// <summary>
    /// log p(" " + choice | question) the long way: the harness's split of the tokens, the whole sequence through the model, and
    /// each continuation token's log-probability from its position's logits, log-softmax written out: x − max − log Σ exp(x − max).
    /// </summary>
    static double ByHand(CausalLanguageModel model, ModelTokenizer tokenizer, string question, string choice)
    {
        string context = question.TrimEnd(), continuation = question[context.Length..] + " " + choice;
        var whole = tokenizer.Encode(context + continuation, addBos: false);
        var contextIds = tokenizer.Encode(context, addBos: false).ToList();
        var continuationIds = whole.Skip(contextIds.Count).ToList();
        if (contextIds.Count == 0) contextIds = [tokenizer.BosId ?? tokenizer.EosId!.Value];
        var sequence = contextIds.Concat(continuationIds).Select(i => (long)i).ToArray();
        model.eval();
        using var _ = no_grad();
        using var logits = model.Forward(tensor(sequence).unsqueeze(0));   // (1, T, V)
        var values = logits[0].to(ScalarType.Float32).data<float>().ToArray();
        int vocab = (int)logits.shape[2];
        double sum = 0;
        for (int k = 0; k < continuationIds.Count; k++)
        {
            int position = contextIds.Count - 1 + k;   // the logits at position t predict token t + 1
            var row = values.AsSpan(position * vocab, vocab);
            double max = double.MinValue;
            foreach (var x in row) max = Math.Max(max, x);
            double total = 0;
            foreach (var x in row) total += Math.Exp(x - max);
            sum += row[continuationIds[k]] - max - Math.Log(total);
        }
        return sum;
    }
}
