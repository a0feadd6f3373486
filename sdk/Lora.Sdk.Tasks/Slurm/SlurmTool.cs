using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Lora.Sdk.Tasks.Slurm;

/// <summary>One run of a Slurm command (sbatch, squeue, scancel) from PATH, its output captured.</summary>
internal static class SlurmTool
{
    static readonly TimeSpan Limit = TimeSpan.FromMinutes(2);

    /// <summary>The command's exit code and output; throws <see cref="SlurmException"/> when it cannot be started or hangs.</summary>
    public static (int ExitCode, string Stdout, string Stderr) Run(string tool, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(tool)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true,
            StandardOutputEncoding = Encoding.UTF8, StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (Win32Exception e)
        {
            throw new SlurmException($"'{tool}' could not be started ({e.Message}): LoraScheduler=slurm needs Slurm's commands on PATH, on a machine that can submit jobs.");
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(Limit))
            {
                process.Kill(entireProcessTree: true);
                throw new SlurmException($"'{tool} {string.Join(" ", info.ArgumentList)}' did not answer within {Limit.TotalSeconds:0} s; is slurmctld reachable?");
            }

            return (process.ExitCode, stdout.Result.Trim(), stderr.Result.Trim());
        }
    }
}

/// <summary>Slurm could not be asked, or refused; the message says which command and what it said.</summary>
internal sealed class SlurmException(string message) : Exception(message);
