using Lora.Runtime.Data;
using Lora.Runtime.Tests.Cli;

namespace Lora.Runtime.Tests.Data;

/// <summary>JSONL files: one object per line, blank lines skipped, every other line an error naming file and line.</summary>
public sealed class JsonlReaderTests : IDisposable
{
    readonly TempFolder _temp = new();

    string Write(string text)
    {
        var path = _temp.Child("train.jsonl");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Rows_keep_their_file_and_line_numbers_and_blank_lines_are_skipped()
    {
        var path = Write("{\"text\": \"a\"}\n\n   \n{\"text\": \"b\"}\n");

        var rows = JsonlReader.Read(path);

        Assert.Equal([1, 4], rows.Select(r => r.Line));
        Assert.Equal(["a", "b"], rows.Select(r => r.Text("text")));
        Assert.Equal($"{path}:4", rows[1].Where);
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_an_error_naming_its_line_before_it_is_read_whole()
    {
        var path = _temp.Child("no-breaks.jsonl");
        using (var stream = File.Create(path))
        {
            stream.Write("{\"text\": \"a\"}\n"u8);
            var block = new byte[1 << 20];
            Array.Fill(block, (byte)'x');
            for (int i = 0; i <= JsonlReader.MaxLineBytes >> 20; i++) stream.Write(block);   // one line of 65 MiB, no break
        }

        var error = Assert.Throws<DatasetException>(() => JsonlReader.Read(path));

        Assert.StartsWith($"{path}:2: the line is longer than 64 MiB", error.Message);
    }

    [Fact]
    public void A_line_that_is_not_json_names_file_and_line()
    {
        var path = Write("{\"text\": \"a\"}\n{\"text\": \"b\",}\n");

        var error = Assert.Throws<DatasetException>(() => JsonlReader.Read(path));

        Assert.StartsWith($"{path}:2: not valid JSON", error.Message);
        Assert.EndsWith("each line must be one JSON object.", error.Message);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_name_file_and_line_instead_of_becoming_replacement_characters()
    {
        var path = _temp.Child("latin1.jsonl");
        // Line 2 holds "café" in Latin-1: 0xE9 where UTF-8 needs two bytes.
        File.WriteAllBytes(path, [.. "{\"text\": \"a\"}\n{\"text\": \"caf"u8, 0xE9, .. "\"}\n"u8]);

        var error = Assert.Throws<DatasetException>(() => JsonlReader.Read(path));

        Assert.StartsWith($"{path}:2: not UTF-8", error.Message);
    }

    [Fact]
    public void A_key_given_twice_in_one_object_is_an_error()
    {
        var path = Write("{\"text\": \"a\"}\n{\"text\": \"b\", \"label\": \"x\", \"text\": \"c\"}\n");

        var error = Assert.Throws<DatasetException>(() => JsonlReader.Read(path));

        Assert.StartsWith($"{path}:2: not valid JSON", error.Message);
        Assert.Contains("text", error.Message);
    }

    [Fact]
    public void A_byte_order_mark_before_the_first_line_is_allowed()
    {
        var path = _temp.Child("bom.jsonl");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "{\"text\": \"a\"}\n"u8]);

        Assert.Equal("a", JsonlReader.Read(path).Single().Text("text"));
    }

    [Theory]
    [InlineData("[1, 2]", "found array")]
    [InlineData("\"text\"", "found string")]
    [InlineData("null", "found null")]
    public void A_line_that_is_json_but_no_object_says_what_it_found(string line, string found)
    {
        var path = Write("{\"text\": \"a\"}\n" + line + "\n");

        var error = Assert.Throws<DatasetException>(() => JsonlReader.Read(path));

        Assert.Equal($"{path}:2: expected a JSON object, {found}.", error.Message);
    }

    [Fact]
    public void An_empty_file_and_a_missing_file_are_errors()
    {
        var empty = Write("\n\n");

        Assert.Equal($"{empty}: the dataset has no rows.", Assert.Throws<DatasetException>(() => JsonlReader.Read(empty)).Message);
        Assert.Contains("dataset file not found", Assert.Throws<DatasetException>(() => JsonlReader.Read(_temp.Child("missing.jsonl"))).Message);
    }

    [Fact]
    public void Numbers_and_booleans_read_as_their_json_text()
    {
        var rows = JsonlReader.Read(Write("{\"n\": 3, \"ok\": true}\n"));

        Assert.Equal("3", rows[0].Text("n"));
        Assert.Equal("true", rows[0].Text("ok"));
    }

    [Fact]
    public void Streamed_rows_read_again_at_their_offsets_equal_those_first_read()
    {
        var path = _temp.Child("mixed.jsonl");
        // A byte-order mark, CRLF and LF breaks, blank lines, multi-byte characters and no break after the last line.
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "{\"text\": \"a\"}\r\n\r\n{\"text\": \"é—ü\"}\n  \n{\"text\": \"c\", \"n\": 1}\n{\"text\": \"d\"}"u8]);

        var streamed = JsonlReader.Stream(path).ToList();

        Assert.Equal([1, 3, 5, 6], streamed.Select(r => r.Row.Line));
        foreach (var (row, offset) in streamed)
        {
            var again = JsonlReader.ReadAt(path, row.Line, offset);
            Assert.Equal(row.Where, again.Where);
            Assert.Equal(row.Value.ToJsonString(), again.Value.ToJsonString());
        }
    }

    [Fact]
    public void A_row_read_again_after_its_line_was_removed_is_an_error_naming_it()
    {
        var path = Write("{\"text\": \"a\"}\n{\"text\": \"b\"}\n");
        var (row, offset) = JsonlReader.Stream(path).Last();
        File.WriteAllText(path, "{\"text\": \"a\"}\n\n");

        var error = Assert.Throws<DatasetException>(() => JsonlReader.ReadAt(path, row.Line, offset));

        Assert.StartsWith($"{path}:2: the line is blank or missing; the file changed", error.Message);
    }

    public void Dispose() => _temp.Dispose();
}
