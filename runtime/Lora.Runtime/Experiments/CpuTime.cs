using System.Diagnostics;

namespace Lora.Runtime.Experiments;

/// <summary>
/// The process's CPU time split into user and system (kernel) time. run.json records the training's beside its wall
/// time: system time is what page faults and memory mapping cost, which tokens/s alone does not show.
/// </summary>
public readonly record struct CpuTime(TimeSpan User, TimeSpan System)
{
    /// <summary>This process's CPU time so far (all its threads).</summary>
    public static CpuTime Now()
    {
        using var process = Process.GetCurrentProcess();
        return new CpuTime(process.UserProcessorTime, process.PrivilegedProcessorTime);
    }

    public static CpuTime operator -(CpuTime end, CpuTime start) => new(end.User - start.User, end.System - start.System);
}
