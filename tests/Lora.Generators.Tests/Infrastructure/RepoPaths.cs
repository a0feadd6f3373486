namespace Lora.Generators.Tests.Infrastructure;

/// <summary>Locates the repository (the folder with Lora.Sdk.sln) and the shared fixtures beside it.</summary>
internal static class RepoPaths
{
    /// <summary>The repository root.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>../shared/fixtures/peft next to the repository.</summary>
    public static string PeftFixtures => Path.GetFullPath(Path.Combine(Root, "..", "shared", "fixtures", "peft"));

    /// <summary>tests/fixtures/peft-h200 in the repository: fixtures made on the GPU machine (Qwen3, Gemma 2, Gemma 3, ...).</summary>
    public static string H200Fixtures => Path.Combine(Root, "tests", "fixtures", "peft-h200");

    /// <summary>This test project's source folder.</summary>
    public static string TestProject => Path.Combine(Root, "tests", "Lora.Generators.Tests");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Lora.Sdk.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("No folder above " + AppContext.BaseDirectory + " holds Lora.Sdk.sln.");
    }
}
