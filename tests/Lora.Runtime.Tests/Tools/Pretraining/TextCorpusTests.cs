using Lora.Runtime.Tokenization;
using Lora.Tools.Pretraining;

namespace Lora.Runtime.Tests.Tools.Pretraining;

public class TextCorpusTests
{
    static CorpusDocument Sotu(string name, string text = "An address.") => new(CorpusDocument.StateOfTheUnion, name, text);
    static CorpusDocument Chapter(string name) => new(CorpusDocument.MobyDick, name, "Call me Ishmael.");

    [Fact]
    public void Every_nth_address_in_file_name_order_is_held_out_and_moby_dick_never_is()
    {
        // Given out of order: the rule counts in file-name (year) order, not in input order.
        var documents = new[]
        {
            Sotu("1795_b.txt"), Chapter("chapter_1.txt"), Sotu("1790_a.txt"), Sotu("1805_d.txt"),
            Sotu("1800_c.txt"), Sotu("1815_f.txt"), Sotu("1810_e.txt"), Chapter("chapter_2.txt"),
        };

        var corpus = TextCorpus.Split(documents, new HeldOutRule(EveryNth: 3, Offset: 2));

        Assert.Equal(["1800_c.txt", "1815_f.txt"], corpus.HeldOut.Select(d => d.Name));
        Assert.Equal(["1795_b.txt", "chapter_1.txt", "1790_a.txt", "1805_d.txt", "1810_e.txt", "chapter_2.txt"], corpus.Training.Select(d => d.Name));
    }

    [Fact]
    public void A_split_that_holds_nothing_out_is_an_error()
    {
        var documents = new[] { Sotu("1790_a.txt"), Sotu("1791_b.txt"), Chapter("chapter_1.txt") };

        var error = Assert.Throws<PretrainingException>(() => TextCorpus.Split(documents, new HeldOutRule(EveryNth: 10, Offset: 9)));

        Assert.Contains("0 held out", error.Message);
    }

    [Fact]
    public void Packing_puts_end_of_text_after_each_document_and_cuts_equal_rows()
    {
        // GPT-2: "Hello world" → 15496 995, " the" → 262, "<|endoftext|>" = 50256.
        var documents = new[] { Sotu("1790_a.txt", "Hello world"), Sotu("1791_b.txt", " the") };

        var rows = TokenRowPacker.Pack(documents, ModelTokenizer.Gpt2(), endOfTextId: 50256, rowLength: 2);

        Assert.Equal(2, rows.Count);
        Assert.Equal([15496L, 995], rows.Row(0).ToArray());
        Assert.Equal([50256L, 262], rows.Row(1).ToArray());
        Assert.Equal(1, rows.DroppedTokens);
    }

    [Fact]
    public void Whitespace_is_collapsed_within_lines_and_blank_lines_become_one_paragraph_break()
    {
        var raw = "  Call  me\tIshmael. \r\n\r\n\r\n   Some years ago\u00a0—\nnever mind  \n\n";

        Assert.Equal("Call me Ishmael.\n\nSome years ago —\nnever mind", WhitespaceNormalizer.Normalize(raw));
    }

    [Fact]
    public void Training_rows_are_drawn_in_a_seeded_order_that_covers_every_row_once_per_pass()
    {
        var first = new TrainingRowOrder(rowCount: 10, seed: 7);
        var again = new TrainingRowOrder(rowCount: 10, seed: 7);
        var other = new TrainingRowOrder(rowCount: 10, seed: 8);

        var pass = first.Take(10);

        Assert.Equal(pass, again.Take(10));
        Assert.NotEqual(pass, other.Take(10));
        Assert.Equal(Enumerable.Range(0, 10), pass.Order());
        Assert.Equal(0, first.Passes);
        Assert.Equal(Enumerable.Range(0, 10), first.Take(10).Order());
        Assert.Equal(1, first.Passes);
    }

    [Fact]
    public void Held_out_rows_are_sampled_evenly_when_capped()
    {
        Assert.Equal([0, 2, 5, 7], HeldOutPerplexity.SpreadRows(count: 10, maxRows: 4));
        Assert.Equal([0, 1, 2], HeldOutPerplexity.SpreadRows(count: 3, maxRows: 0));
        Assert.Equal([0, 1, 2], HeldOutPerplexity.SpreadRows(count: 3, maxRows: 5));
    }
}
