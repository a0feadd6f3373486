namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>Small path helpers for test files.</summary>
public static class PathExtensions
{
    /// <summary>Creates the folder of <paramref name="filePath"/> and returns the path unchanged.</summary>
    public static string EnsureFolder(this string filePath)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(filePath)!);
        return filePath;
    }
}
