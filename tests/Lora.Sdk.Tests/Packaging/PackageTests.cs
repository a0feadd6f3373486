using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
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
            new[] { "Lora.Abstractions", "Lora.Cli", "Lora.Runtime", "Lora.Sdk", "Lora.Templates", "lora" }.Select(id => $"{id}.{sdk.Version}.nupkg"),
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

    [Fact]
    public void Every_package_describes_itself_and_carries_its_licence_readme_notice_and_repository()
    {
        foreach (var path in Directory.GetFiles(sdk.Feed, "*.nupkg"))
        {
            using var package = ZipFile.OpenRead(path);
            var files = package.Entries.Select(e => e.FullName).ToHashSet();
            var metadata = Nuspec(package).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
            string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
            var id = Value("id");

            Assert.False(string.IsNullOrWhiteSpace(Value("description")) || Value("description") == "Package Description", $"{id}: no description");
            var license = metadata.Elements().Single(e => e.Name.LocalName == "license");
            Assert.Equal(("expression", "MIT"), ((string?)license.Attribute("type"), license.Value));
            Assert.Contains("LICENSE", files);
            Assert.Contains("NOTICE.md", files);
            var readme = Value("readme");
            Assert.False(string.IsNullOrEmpty(readme), $"{id}: no readme");
            Assert.Contains(readme, files);
            Assert.StartsWith("https://", (string?)metadata.Elements().Single(e => e.Name.LocalName == "repository").Attribute("url"));
            Assert.Contains("LoRA", Value("tags")!.Split(' '));
        }
    }

    [Fact]
    public void The_lora_tool_installs_from_the_feed_and_runs_with_its_libtorch()
    {
        var tools = Path.Combine(sdk.Root, "tools");
        DotNetCli.Run(sdk.Root, sdk.Environment, TimeSpan.FromMinutes(5),
            "tool", "install", "--tool-path", tools, "--add-source", sdk.Feed, "--version", sdk.Version, "lora").ShouldSucceed();

        // The command the tool installed, as a user runs it (not through `dotnet`): a fixture model's summary,
        Assert.Matches(@"model_type\s+llama", Lora(tools, "inspect", sdk.TextModel).ShouldSucceed().Output);
        // and a forward pass, which needs libtorch: found in the tool's own folder, with nothing else installed.
        var generated = Lora(tools, "generate", "--model", sdk.TextModel, "--ids", "1,2,3", "--max-new-tokens", "2").ShouldSucceed();
        Assert.Matches(@"^\[1,2,3,\d+,\d+\]", generated.Output.Split('\n').First(l => l.StartsWith('[')));
    }

    static CommandResult Lora(string tools, params string[] arguments)
    {
        var info = new ProcessStartInfo(Path.Combine(tools, "lora"));
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        // The apphost finds the .NET runtime the tests run on.
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host) info.Environment["DOTNET_ROOT"] = Path.GetDirectoryName(host);
        using var command = RunningCommand.Start(info);
        return command.WaitForExit(TimeSpan.FromMinutes(2));
    }

    static XDocument Nuspec(ZipArchive package)
    {
        using var stream = package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open();
        return XDocument.Load(stream);
    }
}
