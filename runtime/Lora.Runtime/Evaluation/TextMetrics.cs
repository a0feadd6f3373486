using System.Text.RegularExpressions;

namespace Lora.Runtime.Evaluation;

/// <summary>Metrics over predicted and reference texts, as the usual evaluation libraries define them.</summary>
public static partial class TextMetrics
{
    /// <summary>Whitespace-trimmed, case-sensitive equality; the fraction of rows that match.</summary>
    public static double ExactMatch(IReadOnlyList<string> predicted, IReadOnlyList<string> reference) =>
        Pairs(predicted, reference).Average(p => SameText(p.P, p.R) ? 1.0 : 0.0);

    /// <summary>Accuracy of label predictions: the predicted text's first word against the reference label.</summary>
    public static double Accuracy(IReadOnlyList<string> predicted, IReadOnlyList<string> reference) =>
        Pairs(predicted, reference).Average(p => SameLabel(p.P, p.R) ? 1.0 : 0.0);

    /// <summary>
    /// Unweighted mean over the reference labels of per-label F1 = 2TP / (2TP + FP + FN): scikit-learn's
    /// f1_score(y_true, y_pred, labels=sorted(set(y_true)), average="macro"). A predicted word that is no reference
    /// label counts as a miss (an FN of the true label) but adds no label of its own, so one stray generation cannot
    /// pull a class with F1 = 0 into the mean.
    /// </summary>
    public static double MacroF1(IReadOnlyList<string> predicted, IReadOnlyList<string> reference)
    {
        var pairs = Pairs(predicted, reference).Select(p => (P: Label(p.P), R: Label(p.R))).ToList();
        var labels = pairs.Select(p => p.R).Distinct().ToList();
        return labels.Average(label =>
        {
            int tp = pairs.Count(p => p.P == label && p.R == label);
            int fp = pairs.Count(p => p.P == label && p.R != label);
            int fn = pairs.Count(p => p.P != label && p.R == label);
            return tp == 0 ? 0.0 : 2.0 * tp / (2.0 * tp + fp + fn);
        });
    }

    /// <summary>
    /// Mean ROUGE-L F-measure over rows as Google's rouge-score computes it (RougeScorer(["rougeL"]), no stemming):
    /// tokens are the runs of [a-z0-9] in the lower-cased text; precision = LCS / predicted tokens, recall =
    /// LCS / reference tokens, F = 2PR / (P + R); a row with no tokens on either side scores 0.
    /// </summary>
    public static double RougeL(IReadOnlyList<string> predicted, IReadOnlyList<string> reference) =>
        Pairs(predicted, reference).Average(p =>
        {
            var a = RougeTokens(p.P);
            var b = RougeTokens(p.R);
            if (a.Length == 0 || b.Length == 0) return 0.0;
            int lcs = LongestCommonSubsequence(a, b);
            if (lcs == 0) return 0.0;
            double precision = (double)lcs / a.Length, recall = (double)lcs / b.Length;
            return 2 * precision * recall / (precision + recall);
        });

    public static int LongestCommonSubsequence(string[] a, string[] b)
    {
        var row = new int[b.Length + 1];
        foreach (var x in a)
        {
            int diagonal = 0;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = x == b[j - 1] ? diagonal + 1 : Math.Max(row[j], row[j - 1]);
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    /// <summary>Whether a prediction counts as right for <see cref="Accuracy"/> (and <see cref="MacroF1"/>): the same first word.</summary>
    public static bool SameLabel(string predicted, string reference) => Label(predicted) == Label(reference);

    /// <summary>Whether a prediction counts as right for <see cref="ExactMatch"/>: the same text after trimming whitespace.</summary>
    public static bool SameText(string predicted, string reference) => Normalize(predicted) == Normalize(reference);

    /// <summary>exp(mean token loss).</summary>
    public static double Perplexity(double meanLoss) => Math.Exp(meanLoss);

    static string Normalize(string s) => s.Trim();
    static string Label(string s) => Tokens(s).FirstOrDefault() ?? "";
    static string[] Tokens(string s) => s.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
    static string[] RougeTokens(string s) => RougeToken().Matches(s.ToLowerInvariant()).Select(m => m.Value).ToArray();

    [GeneratedRegex("[a-z0-9]+")]
    private static partial Regex RougeToken();

    static IEnumerable<(string P, string R)> Pairs(IReadOnlyList<string> predicted, IReadOnlyList<string> reference)
    {
        if (predicted.Count != reference.Count) throw new ArgumentException($"{predicted.Count} predictions for {reference.Count} references.");
        if (predicted.Count == 0) throw new ArgumentException("No rows to score.");
        return predicted.Zip(reference);
    }
}
