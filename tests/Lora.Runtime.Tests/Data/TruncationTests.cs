using Lora.Runtime.Data;
using Lora.Runtime.Tokenization;
using static Lora.Runtime.Tests.Data.DataRows;

namespace Lora.Runtime.Tests.Data;

/// <summary>Examples longer than MaxLength are cut, counted, and refused when no trainable token is left.</summary>
public class TruncationTests
{
    static readonly ModelTokenizer Gpt2 = ModelTokenizer.Gpt2();
    const string SpamRow = """{"subject": "Win cash now", "label": "spam"}""";

    // "Subject" ":" " Win" " cash" " now" "\n" "Label" ":" = 8 prompt tokens (GPT-2 adds no BOS), then " spam" EOS = 10 in all.
    static Lora.DatasetSettings LabelSettings(int maxLength) =>
        Settings(Lora.DatasetFormat.Jsonl, prompt: "Subject: {subject}\nLabel:", completion: " {label}", maxLength: maxLength);

    [Fact]
    public void Examples_within_max_length_are_not_counted()
    {
        var builder = new ExampleBuilder(Gpt2, LabelSettings(10));

        Assert.Equal(10, builder.Build(Row(SpamRow)).InputIds.Length);
        Assert.Equal(0, builder.Truncated);
    }

    [Fact]
    public void Truncation_keeps_the_first_max_length_tokens_and_counts_each_cut_example()
    {
        var builder = new ExampleBuilder(Gpt2, LabelSettings(9));

        var first = builder.Build(Row(SpamRow, line: 1));
        builder.Build(Row(SpamRow, line: 2));

        // EOS is cut: 8 masked prompt positions and " spam" remain.
        Assert.Equal([19776, 25, 7178, 5003, 783, 198, 33986, 25, 18084], first.InputIds);
        Assert.Equal([.. Enumerable.Repeat(Ignore, 8), 18084], first.Labels);
        Assert.Equal(2, builder.Truncated);
    }

    [Fact]
    public void An_example_whose_completion_is_cut_away_entirely_is_an_error_naming_file_and_line()
    {
        var builder = new ExampleBuilder(Gpt2, LabelSettings(8));

        var error = Assert.Throws<DatasetException>(() => builder.Build(Row(SpamRow, line: 42, file: "data/spam.jsonl")));

        Assert.StartsWith("data/spam.jsonl:42: no token of this example carries loss", error.Message);
        Assert.Contains("MaxLength 8", error.Message);
        Assert.Contains("raise MaxLength", error.Message);
    }

    [Fact]
    public void An_empty_completion_without_eos_is_an_error()
    {
        var settings = Settings(Lora.DatasetFormat.Jsonl, prompt: "Subject: {subject}\nLabel:", completion: "{label}", addEos: false);

        var error = Assert.Throws<DatasetException>(() => new ExampleBuilder(Gpt2, settings).Build(Row("""{"subject": "x", "label": ""}""")));

        Assert.StartsWith("train.jsonl:7: no token of this example carries loss", error.Message);
    }

    [Fact]
    public void A_text_row_cut_to_its_first_token_has_nothing_to_predict_and_is_an_error()
    {
        // Only BOS is left: position 0's label is never predicted, so the example would train nothing.
        var builder = new ExampleBuilder(Gpt2, Settings(Lora.DatasetFormat.Jsonl, maxLength: 1));

        Assert.Throws<DatasetException>(() => builder.Build(Row("""{"text": "Hello world"}""")));
    }

    [Fact]
    public void A_missing_template_field_names_the_field_and_what_the_line_has()
    {
        var error = Assert.Throws<DatasetException>(() => new ExampleBuilder(Gpt2, LabelSettings(64)).Build(Row("""{"subjct": "x", "label": "ham"}""")));

        Assert.Equal("train.jsonl:7: the template needs field 'subject', which the line does not have; it has: subjct, label.", error.Message);
    }
}
