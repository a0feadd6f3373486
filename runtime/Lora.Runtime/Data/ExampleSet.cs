using System.Collections;

namespace Lora.Runtime.Data;

/// <summary>
/// One split's examples, in order, read from a <see cref="TokenStore"/> when asked for: memory holds a 16-byte
/// <see cref="StoredRow"/> per row, never a row's JSON nor its tokens, so a dataset's size is bounded by the disk, not
/// the memory. A row's JSON is read again from its line (<see cref="Row"/>) where a metric needs its text.
/// </summary>
public sealed class ExampleSet(TokenStore store, IReadOnlyList<StoredRow> rows) : IReadOnlyList<TokenizedExample>
{
    public int Count => rows.Count;

    /// <summary>Row <paramref name="index"/>'s tokens and labels, read from the store.</summary>
    public TokenizedExample this[int index] => store.Read(rows[index].Offset, rows[index].Tokens);

    /// <summary>Where row <paramref name="index"/> came from: file:line.</summary>
    public string Where(int index) => store.Where(store.Origin(rows[index].Offset));

    /// <summary>Every row's length in tokens, in order.</summary>
    public IEnumerable<int> Lengths => rows.Select(r => r.Tokens);

    /// <summary>Every row's count of positions that carry a label, in order.</summary>
    public IEnumerable<int> ScoredCounts => rows.Select(r => r.Scored);

    /// <summary>The most labelled positions any <paramref name="batch"/> rows hold together: those the LM head runs on in
    /// the fullest micro-batch (the memory prediction's bound).</summary>
    public long MostScored(int batch) => ScoredCounts.OrderDescending().Take(batch).Sum(c => (long)c);

    /// <summary>Row <paramref name="index"/>'s JSON, read again from its line in its file.</summary>
    public JsonlRow Row(int index)
    {
        var origin = store.Origin(rows[index].Offset);
        return JsonlReader.ReadAt(store.Files[origin.File], origin.Line, origin.LineOffset);
    }

    public IEnumerator<TokenizedExample> GetEnumerator()
    {
        for (int i = 0; i < rows.Count; i++) yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
