using System.IO.Compression;
using Lora.Sdk.Tests.Infrastructure;

namespace Lora.Sdk.Tests.Packaging;

/// <summary>What `dotnet pack` of the package projects produces.</summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class PackageTests(PackedSdk sdk)
{
    [Fact]
    public void Every_package_a_Lora_project_needs_is_packed_with_one_version()
    {
        var packed = Directory.GetFiles(sdk.Feed, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal);

        Assert.Equal(
            new[] { "Lora.Abstractions", "Lora.Cli", "Lora.Runtime", "Lora.Sdk", "Lora.Templates" }.Select(id => $"{id}.{sdk.Version}.nupkg"),
            packed);
    }

    [Fact]
    public void The_sdk_package_carries_its_msbuild_files_task_generator_and_version()
    {
        using var package = ZipFile.OpenRead(sdk.Package("Lora.Sdk"));
        var files = package.Entries.Select(e => e.FullName).ToHashSet();

        Assert.Superset(new HashSet<string>
        {
            "Sdk/Sdk.props", "Sdk/Sdk.targets", "build/Lora.Sdk.props", "build/Lora.Sdk.targets", "build/Lora.Sdk.Version.props",
            "tasks/net10.0/Lora.Sdk.Tasks.dll", "analyzers/dotnet/cs/Lora.Generators.dll", "analyzers/dotnet/cs/Lora.Generators.CodeFixes.dll",
        }, files);
        Assert.DoesNotContain(files, f => f.StartsWith("lib/", StringComparison.Ordinal));
        using var version = new StreamReader(package.GetEntry("build/Lora.Sdk.Version.props")!.Open());
        Assert.Contains($">{sdk.Version}</LoraSdkVersion>", version.ReadToEnd());
        using var nuspec = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        Assert.Contains("<packageType name=\"MSBuildSdk\" />", nuspec.ReadToEnd());
    }

    [Fact]
    public void The_runner_package_holds_lora_dll_and_its_tools_and_depends_on_the_runtime_of_the_same_version()
    {
        using var package = ZipFile.OpenRead(sdk.Package("Lora.Cli"));

        Assert.Contains(package.Entries, e => e.FullName == "lib/net10.0/lora.dll");
        // The benchmarks, pretraining and data preparation travel inside this package: Lora.Tools is not one of its own.
        Assert.Contains(package.Entries, e => e.FullName == "lib/net10.0/Lora.Tools.dll");
        using var nuspec = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var metadata = nuspec.ReadToEnd();
        Assert.Contains($"<dependency id=\"Lora.Runtime\" version=\"{sdk.Version}\"", metadata);
        Assert.DoesNotContain("Lora.Tools", metadata);
    }
}
