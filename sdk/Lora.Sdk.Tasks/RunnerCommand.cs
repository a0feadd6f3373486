using System.Diagnostics;
using System.Text;

namespace Lora.Sdk.Tasks;

/// <summary>
/// The runner's command line: <c>dotnet exec --runtimeconfig P.runtimeconfig.json --depsfile P.deps.json lora.dll
/// experiment run --assembly P.dll --artifacts DIR --device D --cancel-on-stdin-close [--share-device] [--experiment NAME]…</c>,
/// so that the runner resolves the project's own dependencies (TorchSharp, libtorch) from its output folder.
/// </summary>
internal sealed record RunnerCommand(
    string DotNetHost, string RuntimeConfig, string DepsFile, string Runner, string Assembly, string Artifacts,
    string Device, IReadOnlyList<string> Experiments, string WorkingDirectory, string LibTorchPath = "", bool ShareDevice = false, string HubCache = "")
{
    /// <summary>The runtime's variable for an installed libtorch (Lora.Runtime's TorchNative.LibTorchDirectoryVariable).</summary>
    public const string LibTorchDirectoryVariable = "LORA_LIBTORCH_DIR";

    /// <summary>The verb after <c>experiment</c>: run (train, merge, evaluate), or plan (which experiments need that).</summary>
    public string Verb { get; init; } = "run";

    /// <summary>Whether the runner stops when its standard input closes (how the build cancels a local runner); a Slurm task's
    /// input is /dev/null, so it has this off and stops on SIGTERM instead.</summary>
    public bool CancelOnStdinClose { get; init; } = true;

    public ProcessStartInfo ToStartInfo()
    {
        var info = new ProcessStartInfo(DotNetHost)
        {
            WorkingDirectory = WorkingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var (name, value) in Environment()) info.Environment[name] = value;
        foreach (var argument in Arguments())
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>The variables the runner gets besides the build's environment.</summary>
    public IEnumerable<KeyValuePair<string, string>> Environment()
    {
        // The runner runs under the project's runtimeconfig, not lora's, so lora's TieredCompilation=false (see
        // Lora.Cli.csproj: without it the JIT's mid-run recompilation raises resident memory) is passed here; a value
        // the user set in the environment wins.
        if (System.Environment.GetEnvironmentVariable(TieredCompilationVariable) is null)
            yield return new(TieredCompilationVariable, "0");
        // LoraLibTorchPath: the runner loads libtorch from that folder (no libtorch package was referenced).
        if (LibTorchPath.Length > 0) yield return new(LibTorchDirectoryVariable, LibTorchPath);
        // LoraHubCache: the runner reads base models named by id from the cache the build pulled them into.
        if (HubCache.Length > 0) yield return new(Hub.HubEnvironment.CacheVariable, Path.GetFullPath(HubCache, WorkingDirectory));
    }

    public IEnumerable<string> Arguments()
    {
        yield return "exec";
        if (RuntimeConfig.Length > 0)
        {
            yield return "--runtimeconfig";
            yield return RuntimeConfig;
        }

        if (DepsFile.Length > 0)
        {
            yield return "--depsfile";
            yield return DepsFile;
        }

        yield return Runner;
        yield return "experiment";
        yield return Verb;
        yield return "--assembly";
        yield return Assembly;
        yield return "--artifacts";
        yield return Artifacts;
        yield return "--device";
        yield return Device;
        if (CancelOnStdinClose) yield return "--cancel-on-stdin-close";
        if (ShareDevice) yield return "--share-device";
        foreach (var name in Experiments)
        {
            yield return "--experiment";
            yield return name;
        }
    }

    const string TieredCompilationVariable = "DOTNET_TieredCompilation";

    /// <summary>The command as one line for the log (arguments with spaces quoted).</summary>
    public override string ToString() =>
        string.Join(" ", new[] { DotNetHost }.Concat(Arguments()).Select(a => a.Contains(' ') ? "\"" + a + "\"" : a));
}
