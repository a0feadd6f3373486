using System.Text;

namespace Lora.Sdk.Tasks.Slurm;

/// <summary>
/// The batch script of a LoraScheduler=slurm job array: task <c>SLURM_ARRAY_TASK_ID</c> runs the local build's runner command
/// for one experiment against the shared artifacts folder, passes Slurm's SIGTERM (scancel, or <c>--signal=B:TERM@N</c> before
/// the time limit) on to the runner, which checkpoints and exits 130, and records the runner's exit code.
/// </summary>
internal static class SlurmJobScript
{
    public static string Write(string folder, RunnerCommand command, IReadOnlyList<string> experiments)
    {
        var text = new StringBuilder();
        text.Append("#!/bin/bash\n");
        text.Append("# Written by Lora.Sdk (LoraScheduler=slurm): task i of the array runs experiment i with the runner a local build runs.\n");
        text.Append("experiments=(").Append(string.Join(" ", experiments.Select(Quote))).Append(")\n");
        text.Append("experiment=${experiments[$SLURM_ARRAY_TASK_ID]}\n");
        text.Append("exit_file=").Append(Quote(SlurmArrayJob.ExitPath(folder, "JOB", "TASK")))
            .Append("; exit_file=${exit_file/JOB_TASK/${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}}\n");
        text.Append("cd ").Append(Quote(command.WorkingDirectory)).Append(" || exit 1\n");
        foreach (var (name, value) in command.Environment()) text.Append("export ").Append(name).Append('=').Append(Quote(value)).Append('\n');
        text.Append(Quote(command.DotNetHost)).Append(' ').Append(string.Join(" ", command.Arguments().Select(Quote))).Append(" --experiment \"$experiment\" &\n");
        text.Append("runner=$!\n");
        text.Append("trap 'kill -TERM $runner 2>/dev/null' TERM INT\n");
        text.Append("wait $runner; status=$?\n");
        // A trapped signal ends the wait early: wait again for the runner's own exit status (130 after its checkpoint).
        text.Append("while kill -0 $runner 2>/dev/null; do wait $runner; status=$?; done\n");
        text.Append("echo $status > \"$exit_file.tmp\" && mv \"$exit_file.tmp\" \"$exit_file\"\n");
        text.Append("exit $status\n");

        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"job-{DateTime.UtcNow:yyyyMMdd-HHmmss-fff}.sh");
        File.WriteAllText(path, text.ToString());
        return path;
    }

    /// <summary>A single-quoted shell word.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''") + "'";
}
