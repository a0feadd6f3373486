namespace Lora.Sdk.Tests.Tasks;

/// <summary>
/// Stands a shell script from Runners/ in for `dotnet` (the task's host), so that the task's handling of output,
/// exit codes, cancellation and timeouts is tested without building anything.
/// </summary>
public static class ScriptedRunner
{
    public static string Script(string name)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Tasks", "Runners", name);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>A task wired to <paramref name="script"/>, with existing runner and assembly files in a temp folder.</summary>
    public static (Lora.Sdk.Tasks.LoraRunExperiments Task, RecordingBuildEngine Engine) Create(string script, string folder)
    {
        Directory.CreateDirectory(folder);
        var runner = Path.Combine(folder, "lora.dll");
        var assembly = Path.Combine(folder, "Demo.dll");
        File.WriteAllText(runner, "");
        File.WriteAllText(assembly, "");
        var engine = new RecordingBuildEngine();
        var task = new Lora.Sdk.Tasks.LoraRunExperiments
        {
            BuildEngine = engine,
            DotNetHostPath = Script(script),
            RunnerPath = runner,
            AssemblyPath = assembly,
            ArtifactsDirectory = Path.Combine(folder, "artifacts", "lora"),
            WorkingDirectory = folder,
        };
        return (task, engine);
    }
}
