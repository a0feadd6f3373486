using System.Diagnostics;

namespace Lora.Sdk.Tests.Slurm;

/// <summary>
/// The one-node Slurm that .ci/run starts with local-slurm.sh (SLURM_CONF names its slurm.conf), asked with its own
/// commands: which jobs it knows, and which of a job's tasks are still pending or running.
/// </summary>
public static class LocalSlurm
{
    /// <summary>Why the Slurm tests cannot run here, or null when the node answers and is up.</summary>
    public static string? Unavailable()
    {
        if (Environment.GetEnvironmentVariable("SLURM_CONF") is not { Length: > 0 } conf)
            return "no Slurm to submit to: SLURM_CONF is not set (.ci/run starts a one-node Slurm with tests/Lora.Sdk.Tests/Slurm/local-slurm.sh; run that, then export SLURM_CONF)";
        try
        {
            var (code, output) = Run("sinfo", "--noheader", "--Node", "--format=%t");
            return code == 0 && output.Trim() is "idle" or "mix" or "alloc"
                ? null
                : $"the Slurm of SLURM_CONF={conf} does not answer as up: sinfo exited {code} with '{output.Trim()}'";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return $"SLURM_CONF={conf} is set, but sinfo is not on PATH";
        }
    }

    /// <summary>Every job id slurmctld still knows (finished ones stay for MinJobAge), one per array.</summary>
    public static IReadOnlySet<string> Jobs()
    {
        var (code, output) = Run("squeue", "--noheader", "--states=all", "--format=%F");
        Assert.True(code == 0, "squeue failed: " + output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
    }

    /// <summary>The tasks of <paramref name="job"/> still pending or running.</summary>
    public static IReadOnlyList<string> ActiveTasks(string job)
    {
        var (code, output) = Run("squeue", "--noheader", "--array", "--jobs", job, "--format=%i %T");
        Assert.True(code == 0, "squeue failed: " + output);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    static (int Code, string Output) Run(string tool, params string[] arguments)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr);
    }
}

/// <summary>A fact that needs the one-node Slurm; skipped with one line saying why where it is not running.</summary>
public sealed class FactWithSlurmAttribute : FactAttribute
{
    public FactWithSlurmAttribute()
    {
        if (LocalSlurm.Unavailable() is { } why) Skip = why;
    }
}
