using System.Globalization;

namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>
/// Packs every Lora.* package once per test run (`dotnet pack sdk/Lora.Sdk.Packages.slnf`) with a fresh version,
/// so that NuGet's cache cannot serve an older copy, into a local feed; installs the templates into a private
/// template hive; and gives the tests throwaway projects that restore from that feed into their own package folder.
/// </summary>
public sealed class PackedSdk : IDisposable
{
    static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(20);

    public PackedSdk()
    {
        Version = "0.1.0-t" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        Root = TestFolders.NewRun(Version);
        Directory.CreateDirectory(Feed);
        Environment = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Packages };

        // PackageVersion, not Version: assemblies keep their version, so an unchanged project is not rebuilt. The
        // repository restores from the machine's package folder as usual; only the test projects get a fresh one.
        PackResult = DotNetCli.Run(RepoPaths.RepoRoot, new Dictionary<string, string>(), PackTimeout,
            "pack", Path.Combine("sdk", "Lora.Sdk.Packages.slnf"), "-c", "Release", "-o", Feed,
            "--artifacts-path", TestFolders.PackBuild(), "-p:PackageVersion=" + Version,
            // Lora.Cli's output holds libtorch (~500 MB): linked from the package folder, not copied.
            "-p:CreateHardLinksForCopyLocalIfPossible=true", "-nologo", "-v:m", "-tl:off").ShouldSucceed();
        DotNetCli.Run(Root, Environment, TimeSpan.FromMinutes(5),
            "new", "install", Package("Lora.Templates"), "--debug:custom-hive", Hive).ShouldSucceed();
        TextModel = TinyModel.Create(Path.Combine(Root, "models", "tiny-llama-text"));
    }

    /// <summary>This run's package version, e.g. 0.1.0-t20261130120000.</summary>
    public string Version { get; }

    /// <summary>This run's folder: feed, packages, hive, models, projects.</summary>
    public string Root { get; }

    public string Feed => Path.Combine(Root, "feed");

    /// <summary>The projects' NuGet package folder (NUGET_PACKAGES), fresh for this run.</summary>
    public string Packages => Path.Combine(Root, "packages");

    public string Hive => Path.Combine(Root, "hive");

    /// <summary>The tiny base model with a tokenizer (see <see cref="TinyModel"/>).</summary>
    public string TextModel { get; }

    /// <summary>Environment for every dotnet command of the tests.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    public CommandResult PackResult { get; }

    /// <summary>The path of one of this run's packages.</summary>
    public string Package(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    /// <summary>An empty project folder with a nuget.config naming the feed.</summary>
    public ScratchProject NewFolder(string name)
    {
        var folder = Path.Combine(Root, "projects", name);
        Directory.CreateDirectory(folder);
        var project = new ScratchProject(this, folder);
        project.Write("nuget.config", NuGetConfig());
        return project;
    }

    /// <summary>`dotnet new lora-experiment -n NAME [options]` into a new folder, with the tests' nuget.config beside it.</summary>
    public ScratchProject FromTemplate(string name, params string[] options)
    {
        var project = FromTemplateAsMade(name, options);
        project.Write("nuget.config", NuGetConfig());
        return project;
    }

    /// <summary>`dotnet new lora-experiment -n NAME [options]` into a new folder, every file as the template wrote it.</summary>
    public ScratchProject FromTemplateAsMade(string name, params string[] options)
    {
        var folder = Path.Combine(Root, "projects", name);
        DotNetCli.Run(Root, Environment, TimeSpan.FromMinutes(5),
            ["new", "lora-experiment", "-n", name, "-o", folder, "--debug:custom-hive", Hive, "--no-update-check", .. options]).ShouldSucceed();
        return new ScratchProject(this, folder);
    }

    /// <summary>A hand-written experiment project: the project file (with extra MSBuild content) and its sources.</summary>
    public ScratchProject NewProject(string name, string projectContent = "")
    {
        var project = NewFolder(name);
        project.Write(name + ".csproj", $"""
            <Project Sdk="Lora.Sdk/{Version}">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
            {projectContent}
            </Project>
            """);
        return project;
    }

    /// <summary>
    /// The local feed first, then the machine's usual source; the machine's package folder as a fallback, so that
    /// TorchSharp and libtorch come from disk: restores work offline.
    /// </summary>
    string NuGetConfig() => $"""
        <?xml version="1.0" encoding="utf-8"?>
        <configuration>
          <packageSources>
            <clear />
            <add key="lora-sdk" value="{Feed}" />
            <add key="nuget.org" value="https://api.nuget.org/v3/index.json" />
          </packageSources>
          <fallbackPackageFolders>
            <clear />
            <add key="machine" value="{MachinePackages}" />
          </fallbackPackageFolders>
        </configuration>
        """;

    /// <summary>The machine's NuGet package folder, where TorchSharp and libtorch already are.</summary>
    public static string MachinePackages =>
        System.Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    public void Dispose() => TestFolders.Remove(Root);
}
