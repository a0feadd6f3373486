using System.Security.Cryptography;
using Lora.Runtime.Data;
using Lora.Runtime.Tests.Data;
using Lora.Runtime.Tokenization;

namespace Lora.Runtime.Tests.Tools.Data.Email;

/// <summary>The spam/ham dataset the lora-experiment template ships: as recorded in its README, and usable as is.</summary>
public class ShippedDatasetTests
{
    [Fact]
    public void The_file_is_the_one_its_readme_records()
    {
        string readme = File.ReadAllText(Path.Combine(Path.GetDirectoryName(ShippedDataset.Path)!, "README.md"));
        string sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ShippedDataset.Path)));

        Assert.Contains($"`{sha256}`", readme);
    }

    [Fact]
    public void Every_row_is_balanced_labelled_and_fits_max_length_128_whole_with_the_sample_prompt()
    {
        var rows = JsonlReader.Read(ShippedDataset.Path);
        var settings = DataRows.Settings(Lora.DatasetFormat.Jsonl, prompt: "Subject: {subject}\n{body}\nSpam:", completion: " {spam}", maxLength: 128);
        var builder = new ExampleBuilder(ModelTokenizer.Gpt2(), settings);

        var examples = rows.Select(builder.Build).ToList();

        Assert.Equal(0, builder.Truncated);
        Assert.Equal(rows.Count / 2, rows.Count(r => r.Text("spam") == "yes"));
        Assert.Equal(rows.Count / 2, rows.Count(r => r.Text("spam") == "no"));
        // " yes" = 3763 or " no" = 645, then EOS: the answer survives in every row.
        Assert.All(examples, e => Assert.Equal(2, e.TrainableTokens));
    }
}

/// <summary>Where the template keeps the prepared dataset.</summary>
internal static class ShippedDataset
{
    public static string Path => System.IO.Path.Combine(RepoPaths.RepoRoot, "templates", "Lora.Templates", "content", "lora-experiment", "data", "spam-assassin.jsonl");
}
