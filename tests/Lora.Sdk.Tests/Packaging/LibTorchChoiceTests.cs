using System.IO.Compression;
using System.Text.Json;
using System.Xml.Linq;
using Lora.Sdk.Tests.Infrastructure;

namespace Lora.Sdk.Tests.Packaging;

/// <summary>
/// Which libtorch a project gets, by LoraDevice × target OS, read from the evaluated project (the CUDA packages cannot be
/// restored on these machines); and LoraLibTorchPath for real: a build that trains on an installed CPU libtorch.
/// </summary>
[Collection(SdkCollection.Name)]
[Trait("Category", "EndToEnd")]
public sealed class LibTorchChoiceTests(PackedSdk sdk)
{
    static readonly TimeSpan EvaluateTimeout = TimeSpan.FromMinutes(3);

    [Theory]
    [InlineData("cpu", "linux-x64", "libtorch-cpu-linux-x64")]
    [InlineData("cpu", "win-x64", "libtorch-cpu-win-x64")]
    [InlineData("cpu", "osx-arm64", "libtorch-cpu-osx-arm64")]
    [InlineData("cuda", "linux-x64", "TorchSharp-cuda-linux")]
    [InlineData("cuda", "win-x64", "TorchSharp-cuda-windows")]
    [InlineData("cuda:1", "linux-x64", "TorchSharp-cuda-linux")]
    [InlineData("auto", "linux-x64", "TorchSharp-cuda-linux")]
    [InlineData("auto", "win-x64", "TorchSharp-cuda-windows")]
    [InlineData("cpu", "", "libtorch-cpu-linux-x64")]   // no RuntimeIdentifier: the machine that builds (these are linux-x64)
    public void Device_and_operating_system_choose_one_libtorch_package_of_the_runtime_version(string device, string rid, string expected)
    {
        string[] target = rid.Length > 0 ? [$"-p:RuntimeIdentifier={rid}"] : [];
        var (properties, packages) = Evaluate("Choice", [$"-p:LoraDevice={device}", .. target]);
        Assert.Equal(expected, properties["LoraTorchPackage"]);
        var native = packages.Where(p => IsTorchNative(p.Id)).ToList();
        var only = Assert.Single(native);
        Assert.Equal(expected, only.Id);
        Assert.Equal(expected.StartsWith("libtorch-") ? CentralVersion("libtorch-cpu-linux-x64") : CentralVersion("TorchSharp"), only.Version);
    }

    [Fact]
    public void LoraTorchPackage_overrides_the_choice_and_LoraLibTorchPath_references_none()
    {
        var (overridden, packages) = Evaluate("Override", "-p:LoraDevice=cuda", "-p:RuntimeIdentifier=linux-x64", "-p:LoraTorchPackage=libtorch-cpu-linux-x64");
        Assert.Equal("libtorch-cpu-linux-x64", Assert.Single(packages, p => IsTorchNative(p.Id)).Id);
        Assert.Equal(CentralVersion("libtorch-cpu-linux-x64"), overridden["LoraTorchPackageVersion"]);

        var (_, none) = Evaluate("Installed", "-p:LoraDevice=cuda", "-p:RuntimeIdentifier=linux-x64", $"-p:LoraLibTorchPath={InstalledLibTorch}");
        Assert.DoesNotContain(none, p => IsTorchNative(p.Id));
        Assert.Contains(none, p => p.Id == "Lora.Runtime");
    }

    [Theory]
    [InlineData("cuda", "osx-arm64", "no CUDA build for macOS")]
    [InlineData("cpu", "linux-arm64", "No libtorch package is published for linux-arm64")]
    public void A_combination_without_a_libtorch_package_fails_the_build_saying_what_to_set(string device, string rid, string message)
    {
        var project = sdk.NewProject("NoPackage" + rid.Replace("-", ""));
        project.Write("Experiment.cs", "namespace Checks; public sealed class Empty;");
        DotNetCli.Run(project.Directory, sdk.Environment, EvaluateTimeout, "msbuild", "-t:LoraCheckLibTorch", $"-p:LoraDevice={device}", $"-p:RuntimeIdentifier={rid}", "-nologo")
            .ShouldFail().ShouldSay("LORA1012", message, "LoraLibTorchPath");
    }

    [Fact]
    public void The_runtime_package_depends_on_TorchSharp_only()
    {
        using var package = ZipFile.OpenRead(sdk.Package("Lora.Runtime"));
        var nuspec = package.Entries.Single(e => e.FullName.EndsWith(".nuspec"));
        using var stream = nuspec.Open();
        var dependencies = XDocument.Load(stream).Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string)e.Attribute("id")!).ToList();
        Assert.Contains("TorchSharp", dependencies);
        Assert.DoesNotContain(dependencies, IsTorchNative);
    }

    [Fact]
    public void A_project_on_an_installed_libtorch_trains_with_no_libtorch_package()
    {
        var project = sdk.NewProject("InstalledLibTorch", $"""  <ItemGroup><AdditionalFiles Include="{sdk.TextModel}/config.json" /></ItemGroup>""");
        project.Write("Experiment.cs", $$"""
            using Lora;

            namespace Checks;

            [Experiment("installed-libtorch")]
            [BaseModel("{{sdk.TextModel}}")]
            [Dataset("data/train.jsonl", MaxLength = 64)]
            [Training(MaxSteps = 2, BatchSize = 2, LoggingSteps = 1)]
            public partial record OnInstalledLibTorch;
            """);
        project.Write("data/train.jsonl", string.Concat(Enumerable.Range(1, 24).Select(i => $"{{\"text\": \"Example {i}: a short sentence.\"}}\n")));

        project.Build($"-p:LoraLibTorchPath={InstalledLibTorch}").ShouldSucceed();
        Assert.True(File.Exists(project.AdapterFile("installed-libtorch")));
        // Restored without any libtorch package: the runner loaded libtorch from the folder.
        var assets = File.ReadAllText(project.Path("obj", "project.assets.json"));
        Assert.DoesNotContain("libtorch-cpu", assets, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(project.Path("bin", "Debug", "net10.0", "runtimes", "linux-x64", "native", "libtorch.so")));

        // A folder without libtorch fails the build naming the setting and the folder.
        var empty = project.Path("no-libtorch");
        Directory.CreateDirectory(empty);
        File.WriteAllText(project.Path("data/train.jsonl"), File.ReadAllText(project.Path("data/train.jsonl")) + "{\"text\": \"one more row\"}\n");
        project.Build($"-p:LoraLibTorchPath={empty}").ShouldFail().ShouldSay("LoraLibTorchPath", empty, "libc10.so");
    }

    /// <summary>The CPU libtorch this test project restored (its native folder), standing in for an installed libtorch.</summary>
    static string InstalledLibTorch => Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");

    static bool IsTorchNative(string id) => id.StartsWith("libtorch-", StringComparison.OrdinalIgnoreCase) || id.StartsWith("TorchSharp-", StringComparison.OrdinalIgnoreCase);

    /// <summary>A package's version in the repository's Directory.Packages.props: the SDK must use the runtime's.</summary>
    static string CentralVersion(string id) =>
        XDocument.Load(Path.Combine(RepoPaths.RepoRoot, "Directory.Packages.props")).Descendants("PackageVersion")
            .Single(e => (string?)e.Attribute("Include") == id).Attribute("Version")!.Value;

    (Dictionary<string, string> Properties, List<(string Id, string Version)> Packages) Evaluate(string name, params string[] properties)
    {
        var project = sdk.NewProject(name + Guid.NewGuid().ToString("N")[..6]);
        var result = DotNetCli.Run(project.Directory, sdk.Environment, EvaluateTimeout,
            ["msbuild", "-getProperty:LoraTorchPackage", "-getProperty:LoraTorchPackageVersion", "-getItem:PackageReference", "-nologo", .. properties]).ShouldSucceed();
        var json = JsonDocument.Parse(result.Output[result.Output.IndexOf('{')..(result.Output.LastIndexOf('}') + 1)]).RootElement;
        var props = json.GetProperty("Properties").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? "");
        var packages = json.GetProperty("Items").GetProperty("PackageReference").EnumerateArray()
            .Select(i => (i.GetProperty("Identity").GetString()!, i.TryGetProperty("Version", out var v) ? v.GetString() ?? "" : "")).ToList();
        return (props, packages);
    }
}
