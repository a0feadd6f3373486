using System.Security.Cryptography;
using System.Text;

namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>Where the tests write: a folder per run under the system temp folder, and a build folder kept across runs.</summary>
public static class TestFolders
{
    /// <summary>Set to 1 to keep each run's folder (packages, projects, logs) for inspection.</summary>
    public const string KeepVariable = "LORA_SDK_TESTS_KEEP";

    static string Base => Path.Combine(Path.GetTempPath(), "lora-sdk-tests");

    /// <summary>A fresh folder for one test run.</summary>
    public static string NewRun(string name)
    {
        var path = Path.Combine(Base, name);
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// The packing build's output folder (`--artifacts-path`), one per repository checkout and kept between runs:
    /// each run packs a new package version, but unchanged assemblies are not rebuilt and libtorch is not copied again.
    /// </summary>
    public static string PackBuild()
    {
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(RepoPaths.RepoRoot)))[..12].ToLowerInvariant();
        return Path.Combine(Base, "pack-build-" + hash);
    }

    public static void Remove(string path)
    {
        if (Environment.GetEnvironmentVariable(KeepVariable) == "1" || !Directory.Exists(path)) return;
        try { Directory.Delete(path, recursive: true); }
        catch (IOException) { /* a killed build may still hold a file for a moment; the next run starts clean anyway */ }
    }
}
