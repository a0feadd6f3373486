using System.Diagnostics;

namespace Lora.Runtime.Native;

/// <summary>This process's resident memory, as Linux reports it in /proc/self/status (the figure the peer's ru_maxrss gives).</summary>
public static class ProcessMemory
{
    /// <summary>VmRSS: resident now, MiB.</summary>
    public static double ResidentMiB() => StatusMiB("VmRSS:") ?? Process.GetCurrentProcess().WorkingSet64 / 1048576.0;

    /// <summary>VmHWM: the resident high-water mark since the process started, MiB.</summary>
    public static double PeakResidentMiB() => StatusMiB("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0;

    /// <summary>A kB field of /proc/self/status in MiB; null where /proc does not exist.</summary>
    static double? StatusMiB(string field)
    {
        if (!File.Exists("/proc/self/status")) return null;
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024.0;
    }
}
