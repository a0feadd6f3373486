using Lora.Runtime.Evaluation;

namespace Lora.Runtime.Tests.Evaluation;

/// <summary>Each metric on small cases computed by hand; the arithmetic is in the comments.</summary>
public class TextMetricsTests
{
    const double Tolerance = 1e-12;

    [Fact]
    public void Accuracy_compares_the_first_word_of_the_prediction_with_the_reference_label()
    {
        // "spam"="spam" yes; "ham please"→"ham"="ham" yes; " spam\n"→"spam"≠"ham" no; "Spam"≠"spam" no (case counts): 2/4.
        double accuracy = TextMetrics.Accuracy(["spam", "ham please", " spam\n", "Spam"], ["spam", "ham", "ham", "spam"]);

        Assert.Equal(0.5, accuracy, Tolerance);
    }

    [Fact]
    public void Exact_match_ignores_surrounding_whitespace_only()
    {
        // "spam" yes; " spam \n" trims to "spam" yes; "spam!" no; "Spam" no: 2/4.
        double exact = TextMetrics.ExactMatch(["spam", " spam \n", "spam!", "Spam"], ["spam", "spam", "spam", "spam"]);

        Assert.Equal(0.5, exact, Tolerance);
    }

    [Fact]
    public void Macro_f1_is_the_unweighted_mean_of_per_label_f1()
    {
        string[] reference = ["spam", "spam", "spam", "spam", "ham", "ham"];
        string[] predicted = ["spam", "spam", "spam", "ham", "ham", "spam"];
        // spam: TP 3 (rows 1-3), FP 1 (row 6), FN 1 (row 4): F1 = 2·3 / (2·3 + 1 + 1) = 6/8 = 0.75
        // ham:  TP 1 (row 5),    FP 1 (row 4), FN 1 (row 6): F1 = 2·1 / (2·1 + 1 + 1) = 2/4 = 0.5
        // macro = (0.75 + 0.5) / 2 = 0.625; scikit-learn f1_score(reference, predicted, average="macro") gives the same.
        Assert.Equal(0.625, TextMetrics.MacroF1(predicted, reference), Tolerance);
        // Accuracy on the same rows is 4/6: macro F1 weighs the rarer label as much as the common one.
        Assert.Equal(4.0 / 6.0, TextMetrics.Accuracy(predicted, reference), Tolerance);
    }

    [Fact]
    public void Macro_f1_of_a_label_never_predicted_right_is_zero_for_that_label()
    {
        // spam: TP 2, FP 1, FN 0: F1 = 4/5 = 0.8. ham: TP 0: F1 = 0. macro = 0.4.
        Assert.Equal(0.4, TextMetrics.MacroF1(["spam", "spam", "spam"], ["spam", "spam", "ham"]), Tolerance);
    }

    [Fact]
    public void Macro_f1_counts_a_stray_prediction_as_a_miss_without_adding_a_label()
    {
        // Labels come from the references (f1_score(..., labels=["ham", "spam"], average="macro")).
        // spam: TP 1, FP 0, FN 0: F1 = 1. ham: TP 0, FN 1 (predicted "The"): F1 = 0. macro = 0.5.
        // (scikit-learn's default labels would add "The" with F1 0 and give 1/3.)
        Assert.Equal(0.5, TextMetrics.MacroF1(["spam", "The answer"], ["spam", "ham"]), Tolerance);
    }

    [Fact]
    public void Perfect_predictions_score_one_on_every_metric()
    {
        string[] labels = ["spam", "ham", "ham"];

        Assert.Equal(1.0, TextMetrics.Accuracy(labels, labels));
        Assert.Equal(1.0, TextMetrics.ExactMatch(labels, labels));
        Assert.Equal(1.0, TextMetrics.MacroF1(labels, labels));
        Assert.Equal(1.0, TextMetrics.RougeL(labels, labels));
    }

    [Fact]
    public void Longest_common_subsequence_follows_order_not_position()
    {
        // The textbook pair: A B C B D A B and B D C A B A share B C B A (among others), length 4.
        Assert.Equal(4, TextMetrics.LongestCommonSubsequence(["A", "B", "C", "B", "D", "A", "B"], ["B", "D", "C", "A", "B", "A"]));
        Assert.Equal(0, TextMetrics.LongestCommonSubsequence(["x"], ["y", "z"]));
    }

    [Fact]
    public void Rouge_l_is_the_f_measure_of_lcs_precision_and_recall()
    {
        // "the cat sat on the mat" vs "the cat is on the mat": LCS "the cat on the mat" = 5 of 6 and 6 tokens.
        // P = 5/6, R = 5/6, F = 2PR / (P + R) = 5/6.
        Assert.Equal(5.0 / 6.0, TextMetrics.RougeL(["the cat sat on the mat"], ["the cat is on the mat"]), Tolerance);
        // "b a" vs "a b": LCS 1 (order matters). P = R = 1/2, F = 1/2.
        Assert.Equal(0.5, TextMetrics.RougeL(["b a"], ["a b"]), Tolerance);
    }

    [Fact]
    public void Rouge_l_tokenizes_like_rouge_score_lower_case_alphanumeric_runs()
    {
        // "The Cat, sat!" → the cat sat (3); "the cat" → the cat (2). LCS 2: P = 2/3, R = 2/2 = 1,
        // F = 2·(2/3)·1 / (2/3 + 1) = (4/3) / (5/3) = 0.8.
        Assert.Equal(0.8, TextMetrics.RougeL(["The Cat, sat!"], ["the cat"]), Tolerance);
    }

    [Fact]
    public void Rouge_l_averages_rows_and_scores_an_empty_side_zero()
    {
        // Rows: 5/6 (as above), 0 (nothing predicted), 0 (no tokens on either side, as rouge-score scores it).
        // Mean = (5/6 + 0 + 0) / 3 = 5/18.
        double rouge = TextMetrics.RougeL(["the cat sat on the mat", "", "..."], ["the cat is on the mat", "a reference", "!"]);

        Assert.Equal(5.0 / 18.0, rouge, Tolerance);
    }

    [Fact]
    public void Perplexity_is_e_to_the_mean_token_loss()
    {
        // A uniform guess over V tokens has loss ln V and perplexity V.
        Assert.Equal(50257.0, TextMetrics.Perplexity(Math.Log(50257)), 1e-7);
        Assert.Equal(1.0, TextMetrics.Perplexity(0.0));
        Assert.Equal(7.38905609893065, TextMetrics.Perplexity(2.0), 1e-12);
    }

    [Fact]
    public void Mismatched_or_empty_inputs_are_errors()
    {
        Assert.Throws<ArgumentException>(() => TextMetrics.Accuracy(["a"], ["a", "b"]));
        Assert.Throws<ArgumentException>(() => TextMetrics.MacroF1([], []));
    }
}
