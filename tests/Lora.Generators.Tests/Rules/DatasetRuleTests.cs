using Lora.Generators.Tests.Infrastructure;

namespace Lora.Generators.Tests.Rules;

/// <summary>LORA0050–0055: the dataset file, its first lines, and the templates of typed rows.</summary>
public sealed class DatasetRuleTests
{
    private const string MailPrefix = "[Dataset<Email>(\"data/mail.jsonl\", MaxLength = 128, ";

    [Fact]
    public void LORA0050_dataset_not_among_additional_files()
    {
        var run = new TestProject().Verify(Experiments.With("[Dataset({|LORA0050:\"data/trian.jsonl\"|}, Format = DatasetFormat.Alpaca, MaxLength = 128)]"));
        Assert.Contains("Dataset file 'data/trian.jsonl' is not among the project's AdditionalFiles (looked for '/src/App/data/trian.jsonl')", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0050_evaluation_file_is_checked_too()
    {
        new TestProject().Verify(Experiments.With("[Dataset(\"data/train.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 128, {|LORA0050:EvalPath = \"data/eval.jsonl\"|})]"));
    }

    [Theory]
    [InlineData("data/train.jsonl")]
    [InlineData("/src/App/data/train.jsonl")]
    [InlineData("../App/data/train.jsonl")]
    public void LORA0050_not_reported_for_files_among_additional_files(string path)
    {
        new TestProject().Verify(Experiments.With("[Dataset(\"" + path + "\", Format = DatasetFormat.Alpaca, MaxLength = 128, EvalPath = \"data/train.jsonl\")]"));
    }

    [Fact]
    public void LORA0051_line_that_is_not_json_is_reported_with_line_and_column()
    {
        var file = Fixtures.Lines(
            """{"instruction": "Say hi.", "output": "Hi"}""",
            "",
            """{"instruction": "Say bye.", "output": "Bye" """);
        var run = new TestProject()
            .WithFile("data/broken.jsonl", file)
            .Verify(Experiments.With("[Dataset({|LORA0051:\"data/broken.jsonl\"|}, Format = DatasetFormat.Alpaca, MaxLength = 128)]"));
        Assert.Contains("Line 3 of 'data/broken.jsonl' is not a JSON object: expected ',' or '}' (the text ends early) (column 45)", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    /// <summary>The build hands the generator a dataset's first lines as a head file under obj/ (LoraDatasetHeads), whose
    /// metadata names the dataset: the head is checked as the dataset, and diagnostics name the dataset, not the head.</summary>
    [Fact]
    public void LORA0051_a_dataset_head_is_checked_as_the_dataset_it_names()
    {
        var head = Fixtures.Lines(
            """{"instruction": "Say hi.", "output": "Hi"}""",
            "",
            """{"instruction": "Say bye.", "output": "Bye" """);
        var run = new TestProject()
            .WithFile("obj/lora-dataset-heads/big.0123456789abcdef.head.jsonl", head)
            .WithFileMetadata("obj/lora-dataset-heads/big.0123456789abcdef.head.jsonl", "LoraSourcePath", Fixtures.ProjectDirectory + "/data/big.jsonl")
            .Verify(Experiments.With("[Dataset({|LORA0051:\"data/big.jsonl\"|}, Format = DatasetFormat.Alpaca, MaxLength = 128)]"));
        Assert.Contains("Line 3 of 'data/big.jsonl' is not a JSON object", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0051_json_array_file_is_not_jsonl()
    {
        var run = new TestProject()
            .WithFile("data/array.json", "[\n{\"instruction\": \"a\", \"output\": \"b\"}\n]\n")
            .Verify(Experiments.With("[Dataset({|LORA0051:\"data/array.json\"|}, Format = DatasetFormat.Alpaca, MaxLength = 128)]"));
        Assert.Contains("Line 1 of 'data/array.json'", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0051_not_reported_for_objects_with_escapes_unicode_and_nesting()
    {
        var file = Fixtures.Lines(
            """{"instruction": "Quote \"this\" \u00e9t\u00e9", "input": "", "output": "Café \ud83d\ude00", "meta": {"tags": ["a", 1, 2.5e-3, true, null]}}""",
            """   {"instruction":"Tabs\tand\nnewlines","output":"ok"}   """);
        new TestProject()
            .WithFile("data/escaped.jsonl", file)
            .Verify(Experiments.With("[Dataset(\"data/escaped.jsonl\", Format = DatasetFormat.Alpaca, MaxLength = 128)]"));
    }

    [Theory]
    [InlineData("data/text.jsonl", "Alpaca", "Line 1 of 'data/text.jsonl' has no field 'instruction' (a string), which DatasetFormat.Alpaca needs; found fields text.")]
    [InlineData("data/train.jsonl", "Chat", "Line 1 of 'data/train.jsonl' has no field 'messages' (a non-empty array of {\"role\", \"content\"} objects), which DatasetFormat.Chat needs")]
    [InlineData("data/train.jsonl", "TokenIds", "has no field 'input_ids' (a non-empty array of token ids), which DatasetFormat.TokenIds needs")]
    [InlineData("data/chat.jsonl", "Jsonl", "has no field 'text' (a string), which DatasetFormat.Jsonl with TextField = \"text\" needs")]
    public void LORA0052_lines_lack_what_the_format_needs(string path, string format, string message)
    {
        var run = new TestProject().WithChatTemplate().Verify(Experiments.With("[Dataset({|LORA0052:\"" + path + "\"|}, Format = DatasetFormat." + format + ", MaxLength = 128)]"));
        Assert.Contains(message, run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0052_chat_message_without_content_names_the_nested_field()
    {
        var chat = Fixtures.Lines(
            """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}]}""",
            """{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant"}]}""");
        var run = new TestProject()
            .WithChatTemplate()
            .WithFile("data/chat.jsonl", chat)
            .Verify(Experiments.With("[Dataset({|LORA0052:\"data/chat.jsonl\"|}, Format = DatasetFormat.Chat, MaxLength = 128)]"));
        Assert.Contains("Line 2 of 'data/chat.jsonl' has no field 'messages[1].content' (a string)", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0052_typed_rows_lack_a_template_field()
    {
        var mail = Fixtures.Lines("""{"subject": "Hi", "body": "Lunch?", "label": "ham"}""", """{"subject": "Win", "body": "Click"}""");
        var run = new TestProject()
            .WithFile("data/mail.jsonl", mail)
            .Verify(Experiments.With("[Dataset<Email>({|LORA0052:\"data/mail.jsonl\"|}, Prompt = \"{Subject}\\n{Body}\", Completion = \" {Label}\", MaxLength = 128)]"));
        Assert.Contains("Line 2 of 'data/mail.jsonl' has no field 'Label' (any value), which the Completion template needs; found fields subject, body.", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("data/train.jsonl", "Alpaca")]
    [InlineData("data/chat.jsonl", "Chat")]
    [InlineData("data/tokens.jsonl", "TokenIds")]
    [InlineData("data/text.jsonl", "Jsonl")]
    public void LORA0052_not_reported_for_matching_formats(string path, string format)
    {
        new TestProject().WithChatTemplate().Verify(Experiments.With("[Dataset(\"" + path + "\", Format = DatasetFormat." + format + ", MaxLength = 128)]"));
    }

    [Fact]
    public void LORA0052_custom_text_field()
    {
        new TestProject()
            .WithFile("data/notes.jsonl", Fixtures.Lines("""{"note": "first"}""", """{"note": "second"}"""))
            .Verify(Experiments.With("[Dataset(\"data/notes.jsonl\", TextField = \"note\", MaxLength = 128)]"));
    }

    [Fact]
    public void LORA0053_placeholder_that_is_not_a_property_suggests_one()
    {
        var run = new TestProject().Verify(Experiments.With(MailPrefix + "{|LORA0053:Prompt = \"Subject: {Subjet}\"|}, Completion = \" {Label}\")]"));
        Assert.Equal("Placeholder '{Subjet}' (did you mean 'Subject'?) in the Prompt template is not a property of Email; expected one of Subject, Body, Label.", run.Single.GetMessage());
    }

    [Fact]
    public void LORA0053_placeholders_match_property_names_exactly()
    {
        new TestProject().Verify(Experiments.With(MailPrefix + "Prompt = \"{Subject}\", {|LORA0053:Completion = \" {label}\"|})]"));
    }

    [Fact]
    public void LORA0053_not_reported_for_properties_and_escaped_braces()
    {
        new TestProject().Verify(Experiments.With(MailPrefix + "Prompt = \"{{json}} Subject: {Subject}\\n{Body}\\nLabel:\", Completion = \" {Label}\")]"));
    }

    [Theory]
    [InlineData("Prompt = \"{Subject}\", {|LORA0054:Completion = \" {Label\"|}", "Completion of [Dataset<Email>] has an unclosed '{' at position 2")]
    [InlineData("{|LORA0054:Prompt = \"Subject} {Body}\"|}, Completion = \" {Label}\"", "has a '}' without '{' at position 8")]
    [InlineData("Prompt = \"{Subject}\", {|LORA0054:Completion = \"\"|}", "Completion of [Dataset<Email>] is empty")]
    public void LORA0054_malformed_templates(string arguments, string message)
    {
        var run = new TestProject().Verify(Experiments.With(MailPrefix + arguments + ")]"));
        Assert.Contains(message, run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0054_typed_rows_need_a_completion()
    {
        var run = new TestProject().Verify(Experiments.With("[{|LORA0054:Dataset<Email>(\"data/mail.jsonl\", Prompt = \"{Subject}\", MaxLength = 128)|}]"));
        Assert.Contains("Completion of [Dataset<Email>] is missing", run.Single.GetMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void LORA0054_not_reported_for_a_completion_template()
    {
        new TestProject().Verify(Experiments.With(MailPrefix + "Completion = \" {Label}\")]"));
    }

    [Fact]
    public void LORA0055_empty_dataset()
    {
        new TestProject()
            .WithFile("data/empty.jsonl", "\n  \n")
            .Verify(Experiments.With("[Dataset({|LORA0055:\"data/empty.jsonl\"|}, Format = DatasetFormat.Alpaca, MaxLength = 128)]"));
    }

    [Fact]
    public void LORA0055_not_reported_for_one_row_after_blank_lines()
    {
        new TestProject()
            .WithFile("data/one.jsonl", "\n\n{\"text\": \"only row\"}\n")
            .Verify(Experiments.With("[Dataset(\"data/one.jsonl\", MaxLength = 128)]"));
    }

    [Fact]
    public void Only_the_first_twenty_rows_are_checked()
    {
        var rows = Enumerable.Range(0, 20).Select(i => "{\"text\": \"row " + i + "\"}").Append("{\"other\": 1}").ToArray();
        new TestProject()
            .WithFile("data/long.jsonl", Fixtures.Lines(rows))
            .Verify(Experiments.With("[Dataset(\"data/long.jsonl\", MaxLength = 128)]"));
    }
}
