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

    public ProcessStartInfo ToStartInfo()
    {
        var info = new ProcessStartInfo(DotNetHost)
        {
            WorkingDirectory = WorkingDirectory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        // The runner runs under the project's runtimeconfig, not lora's, so lora's TieredCompilation=false (see
        // Lora.Cli.csproj: without it the JIT's mid-run recompilation raises resident memory) is passed here; a value
        // the user set in the environment wins.
        if (Environment.GetEnvironmentVariable(TieredCompilationVariable) is null)
            info.Environment[TieredCompilationVariable] = "0";
        // LoraLibTorchPath: the runner loads libtorch from that folder (no libtorch package was referenced).
        if (LibTorchPath.Length > 0) info.Environment[LibTorchDirectoryVariable] = LibTorchPath;
        // LoraHubCache: the runner reads base models named by id from the cache the build pulled them into.
        if (HubCache.Length > 0) info.Environment[Hub.HubEnvironment.CacheVariable] = Path.GetFullPath(HubCache, WorkingDirectory);
        foreach (var argument in Arguments())
        {
            info.ArgumentList.Add(argument);
        }

        return info;
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
        yield return "run";
        yield return "--assembly";
        yield return Assembly;
        yield return "--artifacts";
        yield return Artifacts;
        yield return "--device";
        yield return Device;
        yield return "--cancel-on-stdin-close";
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
