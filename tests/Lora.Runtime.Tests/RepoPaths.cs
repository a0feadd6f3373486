using System.Runtime.CompilerServices;

namespace Lora.Runtime.Tests;

/// <summary>Finds the repository root and the shared fixtures that live next to it (../shared/fixtures/peft).</summary>
public static class RepoPaths
{
    private const string SolutionFileName = "Lora.Sdk.sln";
    private static readonly Lazy<string> Root = new(() => FindRepoRoot());

    /// <summary>The folder holding Lora.Sdk.sln.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>The Hugging Face reference fixtures, RepoRoot/../shared/fixtures/peft.</summary>
    public static string FixturesRoot => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "fixtures", "peft"));

    /// <summary>A file or folder under <see cref="FixturesRoot"/>; throws naming the path when it is missing.</summary>
    public static string Fixture(params string[] parts)
    {
        var path = Path.Combine([FixturesRoot, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException(
                $"Fixture '{path}' does not exist. The fixtures are expected in ../shared/fixtures/peft next to the repository root ({RepoRoot}).", path);
        }

        return path;
    }

    /// <summary>
    /// A fixture made on the GPU machine with the same script (RepoRoot/tests/fixtures/peft-h200, see its README): in the
    /// repository, since ../shared is read-only for developers.
    /// </summary>
    public static string H200Fixture(params string[] parts)
    {
        var path = Path.Combine([RepoRoot, "tests", "fixtures", "peft-h200", .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new FileNotFoundException($"Fixture '{path}' does not exist (tests/fixtures/peft-h200 in the repository).", path);
        return path;
    }

    // Walks up from the test binaries first (the normal case), then from this source file, which
    // finds the repository when the tests are compiled by a project outside it.
    private static string FindRepoRoot([CallerFilePath] string sourceFile = "")
    {
        var starts = new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" };
        foreach (var start in starts.Where(s => s.Length > 0))
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, SolutionFileName)))
                {
                    return folder.FullName;
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"No folder containing {SolutionFileName} above '{AppContext.BaseDirectory}' or '{sourceFile}'.");
    }
}
