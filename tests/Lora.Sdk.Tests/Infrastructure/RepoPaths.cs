using System.Runtime.CompilerServices;

namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>The repository root (the folder holding Lora.Sdk.sln) and the shared fixtures beside it.</summary>
public static class RepoPaths
{
    const string SolutionFileName = "Lora.Sdk.sln";
    static readonly Lazy<string> Root = new(() => FindRoot());

    public static string RepoRoot => Root.Value;

    /// <summary>The Hugging Face reference fixtures: RepoRoot/../shared/fixtures/peft/&lt;parts&gt;.</summary>
    public static string Fixture(params string[] parts)
    {
        var path = Path.GetFullPath(Path.Combine([RepoRoot, "..", "shared", "fixtures", "peft", .. parts]));
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Fixture '{path}' does not exist; the fixtures are expected in ../shared/fixtures/peft beside {RepoRoot}.", path);
        return path;
    }

    /// <summary>A file in the repository.</summary>
    public static string InRepo(params string[] parts) => Path.Combine([RepoRoot, .. parts]);

    static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" }.Where(s => s.Length > 0))
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
                if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)))
                    return folder.FullName;
        throw new DirectoryNotFoundException($"No folder containing {SolutionFileName} above '{AppContext.BaseDirectory}' or '{sourceFile}'.");
    }
}
