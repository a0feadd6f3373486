using System.Security.Cryptography;
using System.Text;
using Lora.Runtime.Data.Email;

namespace Lora.Runtime.Tests.Data.Email;

/// <summary>
/// The whole corpus, where a developer has unpacked the package (skipped elsewhere): the shipped dataset is exactly
/// what the recipe produces from it.
/// </summary>
public class SpamAssassinPackageTests
{
    /// <summary>The dataset the lora-experiment template ships, prepared with the default options.</summary>
    static string ShippedDataset => Path.Combine(RepoPaths.RepoRoot, "templates", "Lora.Templates", "content", "lora-experiment", "data", "spam-assassin.jsonl");

    [FactWithSpamAssassinPackage]
    public void The_full_corpus_prepares_to_the_shipped_dataset_byte_for_byte()
    {
        var corpus = SpamAssassinCorpus.Open(EmailTestData.PackageFolder);

        var prepared = SpamAssassinDataset.Prepare(corpus);
        byte[] jsonl = Encoding.UTF8.GetBytes(SpamAssassinDataset.ToJsonl(prepared.Rows));

        Assert.Equal((1740, 1740), (prepared.Count("spam"), prepared.Count("ham")));
        Assert.Equal((21, 177), (prepared.Empty, prepared.Duplicates));
        Assert.All(prepared.Rows, r => Assert.InRange(r.Body.Length, 1, SpamAssassinDataset.DefaultMaxChars));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ShippedDataset))), Convert.ToHexStringLower(SHA256.HashData(jsonl)));
    }
}
