using System.Text.RegularExpressions;

namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>A throwaway project folder: its files, its builds, and its artifacts.</summary>
public sealed class ScratchProject(PackedSdk sdk, string directory)
{
    static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(10);

    public string Directory { get; } = directory;

    public string Path(params string[] parts) => System.IO.Path.Combine([Directory, .. parts]);

    /// <summary>artifacts/lora/&lt;experiment&gt;/adapter/adapter_model.safetensors.</summary>
    public string AdapterFile(string experiment) => Path("artifacts", "lora", experiment, "adapter", "adapter_model.safetensors");

    public void Write(string relativePath, string content)
    {
        var path = Path(relativePath);
        System.IO.Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public string Read(string relativePath) => File.ReadAllText(Path(relativePath));

    /// <summary>Replaces the one match of <paramref name="pattern"/> (a regular expression) in a file.</summary>
    public void Replace(string relativePath, string pattern, string replacement)
    {
        var text = Read(relativePath);
        Assert.Single(Regex.Matches(text, pattern));
        Write(relativePath, Regex.Replace(text, pattern, replacement.Replace("$", "$$")));
    }

    /// <summary>Removes every line matching <paramref name="pattern"/> (a multi-line regular expression); none is fine.</summary>
    public void RemoveLines(string relativePath, string pattern) =>
        Write(relativePath, Regex.Replace(Read(relativePath), pattern, "", RegexOptions.Multiline));

    /// <summary>`dotnet build` with minimal verbosity (high-importance messages, warnings and errors).</summary>
    public CommandResult Build(params string[] arguments) =>
        DotNetCli.Run(Directory, sdk.Environment, BuildTimeout, BuildArguments(arguments));

    /// <summary>`dotnet build` as <see cref="Build"/>, with variables of <paramref name="environment"/> added to the SDK's.</summary>
    public CommandResult BuildWith(IReadOnlyDictionary<string, string> environment, params string[] arguments) =>
        DotNetCli.Run(Directory, sdk.Environment.Concat(environment).ToDictionary(p => p.Key, p => p.Value), BuildTimeout, BuildArguments(arguments));

    /// <summary>Starts `dotnet build` and returns at once, for tests that interrupt it.</summary>
    public RunningCommand StartBuild(params string[] arguments) =>
        DotNetCli.Start(Directory, sdk.Environment, BuildArguments(arguments));

    /// <summary>No node reuse (nothing outlives the build) and one in-process node (the runner is its child).</summary>
    static string[] BuildArguments(string[] extra) => ["build", "-nr:false", "-m:1", "-tl:off", "-nologo", "-v:m", .. extra];
}
