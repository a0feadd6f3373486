using System.Security.Cryptography;
using System.Text;
using Lora.Tools.Data.Email;

namespace Lora.Runtime.Tests.Tools.Data.Email;

/// <summary>
/// The whole corpus, where a developer has unpacked the package (skipped elsewhere): the shipped dataset is exactly
/// what the recipe in its README produces.
/// </summary>
public class SpamAssassinPackageTests
{
    /// <summary>The options of the README's regeneration command.</summary>
    static readonly SpamAssassinOptions ShippedOptions = new(MaxChars: 600, MaxTokens: 116);

    [FactWithSpamAssassinPackage]
    public void The_full_corpus_prepares_to_the_shipped_dataset_byte_for_byte()
    {
        var corpus = SpamAssassinCorpus.Open(EmailTestData.PackageFolder);

        var prepared = SpamAssassinDataset.Prepare(corpus, ShippedOptions);
        byte[] jsonl = Encoding.UTF8.GetBytes(SpamAssassinDataset.ToJsonl(prepared.Rows));

        Assert.Equal((1734, 1734), (prepared.Count("spam"), prepared.Count("ham")));
        Assert.Equal((22, 185), (prepared.Empty, prepared.Duplicates));
        Assert.Equal("ab47887cdc31c66d07d0cbd2a0b1814fc2608f53f4ebd14630d54079a1106c03", corpus.InputSha256());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(ShippedDataset.Path))), Convert.ToHexStringLower(SHA256.HashData(jsonl)));
    }
}
