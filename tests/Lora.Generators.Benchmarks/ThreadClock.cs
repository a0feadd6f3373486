using System.Runtime.InteropServices;

namespace Lora.Generators.Benchmarks;

/// <summary>
/// CPU time of the calling thread (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): unlike wall time it does not count the
/// time the thread waits for a core, so it stays meaningful on a busy shared machine.
/// </summary>
internal static partial class ThreadClock
{
    private const int ThreadCpuTimeId = 3;

    /// <summary>Whether the clock is available (Linux only).</summary>
    public static bool IsAvailable => OperatingSystem.IsLinux();

    /// <summary>The thread's CPU time so far, in milliseconds.</summary>
    /// <returns>Milliseconds, or 0 when unavailable.</returns>
    public static double Milliseconds()
    {
        if (!IsAvailable || ClockGetTime(ThreadCpuTimeId, out var time) != 0)
        {
            return 0;
        }

        return (time.Seconds * 1e3) + (time.Nanoseconds / 1e6);
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}
