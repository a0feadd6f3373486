using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Lora.Runtime.Data;
using Lora.Runtime.Tokenization;

namespace Lora.Tools.Data.Email;

/// <summary>
/// Prepares the spam/ham dataset from the corpus: subjects and bodies clipped (by characters, optionally by tokens),
/// emails without body text and exact duplicates (same clipped subject and body) dropped, then the same number of
/// rows per label, taken round-robin from the label's groups, first ids first. The result is in group and id order;
/// shuffling and the train/eval split happen at training time (<see cref="DatasetSplit"/>).
/// </summary>
public static class SpamAssassinDataset
{
    /// <summary>Body length used when none is given: a few sentences, enough to tell spam from ham.</summary>
    public const int DefaultMaxChars = 600;

    /// <summary>Longest subject kept, in characters: a few spam subjects run to hundreds of dots.</summary>
    public const int SubjectMaxChars = 200;

    /// <summary>
    /// Tokens the sample prompt adds around subject and body: BOS, "Subject:", the line break after the subject
    /// (and a blank before it when the subject is empty), "\nSpam:", the answer (" yes" or " no") and EOS.
    /// </summary>
    public const int TemplateTokens = 12;

    /// <param name="corpus">The opened package data.</param>
    /// <param name="options">Clipping and balance; null for the defaults.</param>
    public static PreparedSpamAssassin Prepare(SpamAssassinCorpus corpus, SpamAssassinOptions? options = null)
    {
        options ??= new SpamAssassinOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxChars, 1);
        if (options.PerLabel is < 1) throw new ArgumentOutOfRangeException(nameof(options), options.PerLabel, "At least one row per label.");
        if (options.MaxTokens is < 3) throw new ArgumentOutOfRangeException(nameof(options), options.MaxTokens, "At least 3 tokens for subject and body.");
        var tokenizer = options.MaxTokens is null ? null : ModelTokenizer.Gpt2();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int empty = 0, duplicates = 0;
        var usable = new Dictionary<SpamAssassinGroup, List<SpamAssassinEmail>>();
        foreach (var group in SpamAssassinGroup.All)
        {
            usable[group] = [];
            foreach (var read in corpus.Read(group))
            {
                var email = read with { Subject = EmailText.Clip(read.Subject, SubjectMaxChars), Body = EmailText.Clip(read.Body, options.MaxChars) };
                if (tokenizer is not null) email = ClipTokens(email, tokenizer, options.MaxTokens!.Value);
                if (email.Body.Length == 0) empty++;
                else if (!seen.Add(email.Subject + "\n" + email.Body)) duplicates++;
                else usable[group].Add(email);
            }
        }
        var labels = SpamAssassinGroup.All.Select(g => g.Label).Distinct().ToList();
        int count = options.PerLabel ?? labels.Min(label => usable.Where(u => u.Key.Label == label).Sum(u => u.Value.Count));
        var taken = new Dictionary<SpamAssassinGroup, int>();
        foreach (var label in labels)
            foreach (var (group, take) in RoundRobin(usable.Where(u => u.Key.Label == label).Select(u => (u.Key, u.Value.Count)).ToList(), count))
                taken[group] = take;
        var rows = SpamAssassinGroup.All.SelectMany(g => usable[g].Take(taken[g])).ToList();
        return new PreparedSpamAssassin(rows, empty, duplicates);
    }

    /// <summary>
    /// One JSON object per line: {"subject", "body", "spam"}, "spam" being "yes" or "no"; non-ASCII text is written as is
    /// (UTF-8). Yes and no rather than the corpus's spam and ham: the built-in model met " yes" and " no" in pretraining, so
    /// their output embeddings are trained; " spam" never occurred, and an untrained row of the tied head cannot be told
    /// apart from the thousands of other never-seen tokens, which caps its probability near 1/300 whatever the adapter does.
    /// </summary>
    public static string ToJsonl(IEnumerable<SpamAssassinEmail> rows)
    {
        var options = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        var text = new StringBuilder();
        using var buffer = new MemoryStream();
        foreach (var row in rows)
        {
            buffer.SetLength(0);
            using (var writer = new Utf8JsonWriter(buffer, options))
            {
                writer.WriteStartObject();
                writer.WriteString("subject", row.Subject);
                writer.WriteString("body", row.Body);
                writer.WriteString("spam", row.Label == SpamAssassinGroup.Spam ? "yes" : "no");
                writer.WriteEndObject();
            }
            text.Append(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length)).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The subject cut to a third of the token budget, the body to what the subject leaves.</summary>
    private static SpamAssassinEmail ClipTokens(SpamAssassinEmail email, ModelTokenizer tokenizer, int maxTokens)
    {
        string subject = TokenClip.Clip(tokenizer, email.Subject, maxTokens / 3);
        int subjectTokens = tokenizer.Encode(subject, addBos: false).Count;
        return email with { Subject = subject, Body = TokenClip.Clip(tokenizer, email.Body, maxTokens - subjectTokens) };
    }

    /// <summary>How many of <paramref name="total"/> rows each group gives: one at a time in group order, skipping groups that ran out.</summary>
    private static IEnumerable<(SpamAssassinGroup Group, int Take)> RoundRobin(List<(SpamAssassinGroup Group, int Available)> groups, int total)
    {
        var take = new int[groups.Count];
        for (int given = 0; given < total;)
        {
            bool any = false;
            for (int i = 0; i < groups.Count && given < total; i++)
            {
                if (take[i] >= groups[i].Available) continue;
                take[i]++;
                given++;
                any = true;
            }
            if (!any) break;
        }
        return groups.Select((g, i) => (g.Group, take[i]));
    }
}
