using System.Diagnostics;

namespace Lora.Sdk.Tasks;

/// <summary>
/// Drives one runner process to its end: hands every output line to the caller (on the caller's thread), and when
/// the build is cancelled or the timeout passes, closes the runner's standard input so that it checkpoints and
/// exits, killing it only if it has not exited after the grace period.
/// </summary>
internal static class RunnerSession
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    /// <summary>Output still open this long after the process ended belongs to an orphaned grandchild; stop waiting for it.</summary>
    static readonly TimeSpan OrphanedOutputWait = TimeSpan.FromSeconds(2);

    public static RunnerOutcome Run(RunnerProcess runner, Action<RunnerOutput> onLine, WaitHandle cancel, TimeSpan? timeout, TimeSpan grace)
    {
        var clock = Stopwatch.StartNew();
        var reason = StopReason.None;
        TimeSpan? killAt = null;
        TimeSpan? exitedAt = null;
        bool killed = false;
        while (!runner.OutputCompleted)
        {
            if (reason == StopReason.None && cancel.WaitOne(0))
            {
                reason = StopReason.Cancelled;
            }
            else if (reason == StopReason.None && timeout is { } limit && clock.Elapsed > limit)
            {
                reason = StopReason.TimedOut;
            }

            if (reason != StopReason.None && killAt is null)
            {
                runner.CloseInput();
                killAt = clock.Elapsed + grace;
            }

            if (!killed && killAt is { } deadline && clock.Elapsed > deadline)
            {
                runner.Kill();
                killed = true;
            }

            if (runner.TryTake(out var line, Poll))
            {
                onLine(line);
                continue;
            }

            if (runner.HasExited)
            {
                exitedAt ??= clock.Elapsed;
                if (clock.Elapsed - exitedAt > OrphanedOutputWait)
                {
                    break;
                }
            }
        }

        int exitCode = runner.WaitForExit();
        // Cancel() closes the runner's input itself, so the runner may be gone before this loop saw the request.
        if (reason == StopReason.None && cancel.WaitOne(0))
        {
            reason = StopReason.Cancelled;
        }

        return new RunnerOutcome(exitCode, reason, killed, clock.Elapsed);
    }
}
