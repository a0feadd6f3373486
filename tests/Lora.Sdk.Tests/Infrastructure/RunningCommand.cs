using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>A started process whose output can be watched line by line, interrupted, or killed with its whole tree.</summary>
public sealed class RunningCommand : IDisposable
{
    readonly Process _process;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly StringBuilder _output = new();
    readonly BlockingCollection<string> _fresh = new();
    int _openStreams = 2;

    RunningCommand(Process process, string command)
    {
        _process = process;
        Command = command;
    }

    public string Command { get; }

    public int Id => _process.Id;

    public static RunningCommand Start(ProcessStartInfo info)
    {
        info.UseShellExecute = false;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"{info.FileName} did not start.");
        var running = new RunningCommand(process, info.FileName + " " + string.Join(" ", info.ArgumentList));
        running.Pump(process.StandardOutput);
        running.Pump(process.StandardError);
        return running;
    }

    /// <summary>Everything printed so far.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>Waits for a line matching <paramref name="predicate"/>; null if the output ended or the time ran out first.</summary>
    public string? WaitForLine(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (_fresh.TryTake(out var line, TimeSpan.FromMilliseconds(200)) && predicate(line)) return line;
            }
            catch (InvalidOperationException)
            {
                return null;
            }
            if (_fresh.IsCompleted) return null;
        }
        return null;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does to the build process.</summary>
    /// <remarks>
    /// A test run started as a background job of a non-interactive shell (<c>cmd &amp;</c>) ignores SIGINT, and so does every
    /// process it starts: the build would never see this one. That is said plainly instead of waiting for a cancellation
    /// that cannot come.
    /// </remarks>
    public void Interrupt()
    {
        Assert.False(SigIntIgnored(), "SIGINT is ignored in this test run (it was started as a background job of a non-interactive shell, " +
            "whose children inherit that), so the build cannot be interrupted; run the tests in the foreground or under job control (set -m).");
        Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of /proc/self/status's SigIgn mask), which its children inherit.</summary>
    static bool SigIntIgnored()
    {
        const string status = "/proc/self/status";
        if (!File.Exists(status)) return false;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & 0x2) != 0;
    }

    /// <summary>Kills the process and everything it started (the MSBuild node, the runner).</summary>
    public void KillTree()
    {
        try { _process.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* exited meanwhile */ }
    }

    /// <summary>Waits for the end (killing the tree if it takes longer than <paramref name="timeout"/>) and returns the result.</summary>
    public CommandResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            KillTree();
            _process.WaitForExit();
            lock (_output) _output.AppendLine($"[test: killed after {timeout.TotalSeconds:0} s]");
        }
        _process.WaitForExit();
        SpinWait.SpinUntil(() => _fresh.IsAddingCompleted, TimeSpan.FromSeconds(10));
        return new CommandResult(Command, _process.ExitCode, Output, _clock.Elapsed);
    }

    public void Dispose()
    {
        if (!_process.HasExited) KillTree();
        _process.Dispose();
    }

    void Pump(StreamReader reader)
    {
        var thread = new Thread(() =>
        {
            while (reader.ReadLine() is { } line)
            {
                lock (_output) _output.AppendLine(line);
                _fresh.Add(line);
            }
            if (Interlocked.Decrement(ref _openStreams) == 0) _fresh.CompleteAdding();
        }) { IsBackground = true };
        thread.Start();
    }
}
