using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lora.Sdk.Tasks.Slurm;

/// <summary>
/// A submitted job array: its id and the experiment each task runs (task i runs <see cref="Experiments"/>[i]), recorded in
/// <c>&lt;artifacts&gt;/.slurm/job.json</c> until a build has collected it, so that a build that returned without waiting
/// (LoraSchedulerWait=false) or was killed leaves the next build something to collect. Each task writes its output to
/// <c>JOB_TASK.out</c> and <c>.err</c> beside it, and its runner's exit code to <c>JOB_TASK.exit</c> when the runner ends.
/// </summary>
internal sealed record SlurmArrayJob(string Folder, string JobId, IReadOnlyList<string> Experiments)
{
    /// <summary>The folder under the artifacts root that holds job scripts, records and task output.</summary>
    public static string FolderIn(string artifactsRoot) => Path.Combine(Path.GetFullPath(artifactsRoot), ".slurm");

    static string RecordPath(string folder) => Path.Combine(folder, "job.json");

    public string Output(int task) => Path.Combine(Folder, $"{JobId}_{task}.out");

    public string Error(int task) => Path.Combine(Folder, $"{JobId}_{task}.err");

    /// <summary>The runner's exit code for <paramref name="task"/>, or null when the task did not get to write it.</summary>
    public int? ExitCode(int task)
    {
        var path = ExitPath(Folder, JobId, task);
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int code) ? code : null;
    }

    /// <summary>Where the job script writes a task's exit code (as a shell expression over Slurm's variables, or for a known task).</summary>
    public static string ExitPath(string folder, string jobId, object task) => Path.Combine(folder, $"{jobId}_{task}.exit");

    public void Save()
    {
        Directory.CreateDirectory(Folder);
        var json = new JsonObject { ["job"] = JobId, ["experiments"] = new JsonArray(Experiments.Select(e => (JsonNode?)e).ToArray()) };
        var staging = RecordPath(Folder) + ".tmp";
        File.WriteAllText(staging, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(staging, RecordPath(Folder), overwrite: true);
    }

    /// <summary>The job a build submitted and none has collected yet, or null.</summary>
    public static SlurmArrayJob? Load(string folder)
    {
        var path = RecordPath(folder);
        if (!File.Exists(path)) return null;
        try
        {
            var json = JsonNode.Parse(File.ReadAllText(path))!;
            return new SlurmArrayJob(folder, json["job"]!.GetValue<string>(), json["experiments"]!.AsArray().Select(e => e!.GetValue<string>()).ToList());
        }
        catch (Exception e) when (e is JsonException or NullReferenceException or InvalidOperationException)
        {
            throw new SlurmException($"{path} is damaged ({e.Message}); delete it (its job's tasks are then not collected) and build again.");
        }
    }

    /// <summary>Forgets the job once collected; its task output stays for reading.</summary>
    public void Forget() => File.Delete(RecordPath(Folder));
}
