using Lora.Runtime.Data;

namespace Lora.Runtime.Tests.Data;

/// <summary>The token store gives back each row as it was stored: ids, labels (the id or -100), file:line and origin.</summary>
public sealed class TokenStoreTests : IDisposable
{
    readonly TempFolder _temp = new();
    static readonly string[] Files = ["train.jsonl", "eval.jsonl"];

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Rows_read_back_equal_to_those_stored_before_and_after_the_buffer_is_written()
    {
        var random = new Random(5);
        (RowOrigin Origin, TokenizedExample Example) Row(int length)
        {
            var origin = new RowOrigin(random.Next(2), random.Next(1, 1_000_000), random.NextInt64(1L << 40));
            var ids = Enumerable.Range(0, length).Select(_ => random.Next(0, int.MaxValue)).ToArray();
            var labels = ids.Select(i => random.Next(3) == 0 ? ExampleBuilder.Ignore : i).ToArray();
            return (origin, new TokenizedExample(ids, labels, $"{Files[origin.File]}:{origin.Line}"));
        }
        // Small rows, one larger than the whole write buffer (1 MiB, 5 bytes a token), and small ones after it.
        var rows = Enumerable.Range(0, 300).Select(_ => Row(random.Next(1, 2000))).Append(Row(300_000))
            .Concat(Enumerable.Range(0, 50).Select(_ => Row(random.Next(1, 100)))).ToList();
        using var store = TokenStore.Create(_temp.Path, Files);
        var offsets = new List<long>();
        foreach (var (origin, example) in rows)
        {
            offsets.Add(store.Append(origin, example));
            // A read between appends sees everything stored so far.
            if (offsets.Count == 3) AssertSame(rows[1].Example, store.Read(offsets[1], rows[1].Example.InputIds.Length));
        }

        Assert.Equal(rows.Sum(r => 16L + 5 * r.Example.InputIds.Length), store.Length);
        foreach (var i in Enumerable.Range(0, rows.Count).Reverse())
        {
            AssertSame(rows[i].Example, store.Read(offsets[i], rows[i].Example.InputIds.Length));
            Assert.Equal(rows[i].Origin, store.Origin(offsets[i]));
        }
    }

    [Fact]
    public void A_label_other_than_its_token_or_ignore_is_refused()
    {
        using var store = TokenStore.Create(_temp.Path, Files);
        var error = Assert.Throws<InvalidOperationException>(() => store.Append(new RowOrigin(0, 3, 40), new TokenizedExample([5, 6], [5, 7], "train.jsonl:3")));
        Assert.StartsWith("train.jsonl:3: the label at position 1 is 7, neither its token 6 nor -100", error.Message);
    }

    [Fact]
    public void The_file_is_gone_once_the_store_is_disposed_and_on_Unix_as_soon_as_it_opens()
    {
        var store = TokenStore.Create(_temp.Child("work"), Files);
        store.Append(new RowOrigin(0, 1, 0), new TokenizedExample([1, 2, 3], [-100, 2, 3], "train.jsonl:1"));
        // A killed process cannot leave the file behind where its name is gone while it is open.
        if (!OperatingSystem.IsWindows()) Assert.Empty(Directory.GetFiles(_temp.Child("work")));
        store.Dispose();
        Assert.Empty(Directory.GetFiles(_temp.Child("work")));
    }

    static void AssertSame(TokenizedExample expected, TokenizedExample actual)
    {
        Assert.Equal(expected.InputIds, actual.InputIds);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.Source, actual.Source);
    }
}
