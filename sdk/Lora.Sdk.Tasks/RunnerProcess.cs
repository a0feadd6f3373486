using System.Collections.Concurrent;
using System.Diagnostics;

namespace Lora.Sdk.Tasks;

/// <summary>
/// The runner child process: its output lines queued for the task's thread (MSBuild logging stays on that
/// thread), its standard input kept open so that closing it asks the runner to stop, and a kill of its whole tree
/// as the last resort.
/// </summary>
internal sealed class RunnerProcess : IDisposable
{
    readonly Process _process;
    readonly BlockingCollection<RunnerOutput> _lines = new();
    int _openStreams = 2;

    RunnerProcess(Process process) => _process = process;

    /// <summary>Starts the process; throws <see cref="System.ComponentModel.Win32Exception"/> when the executable cannot be started.</summary>
    public static RunnerProcess Start(ProcessStartInfo info)
    {
        info.UseShellExecute = false;
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var process = new Process { StartInfo = info };
        process.Start();
        var runner = new RunnerProcess(process);
        runner.Pump(process.StandardOutput, isError: false);
        runner.Pump(process.StandardError, isError: true);
        return runner;
    }

    /// <summary>The process id, for messages.</summary>
    public int Id => _process.Id;

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>True once both output streams have ended and every line was taken.</summary>
    public bool OutputCompleted => _lines.IsCompleted;

    /// <summary>Waits up to <paramref name="wait"/> for the next output line.</summary>
    public bool TryTake(out RunnerOutput line, TimeSpan wait)
    {
        try
        {
            return _lines.TryTake(out line, wait);
        }
        catch (InvalidOperationException)
        {
            // Completed between the check and the take.
            line = default;
            return false;
        }
    }

    /// <summary>Closes the runner's standard input: with --cancel-on-stdin-close it checkpoints and exits 130.</summary>
    public void CloseInput()
    {
        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Already closed or already exited: nothing left to ask.
        }
    }

    /// <summary>Kills the runner and everything it started.</summary>
    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            // Exited on its own meanwhile.
        }
    }

    /// <summary>Waits for the process to end and returns its exit code.</summary>
    public int WaitForExit()
    {
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void Dispose()
    {
        _process.Dispose();
        _lines.Dispose();
    }

    void Pump(StreamReader reader, bool isError)
    {
        var thread = new Thread(() =>
        {
            try
            {
                while (reader.ReadLine() is { } line)
                {
                    _lines.Add(new RunnerOutput(isError, line));
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The pipe broke because the process was killed: its output ends here.
            }
            finally
            {
                if (Interlocked.Decrement(ref _openStreams) == 0)
                {
                    _lines.CompleteAdding();
                }
            }
        })
        {
            IsBackground = true,
            Name = isError ? "lora runner stderr" : "lora runner stdout",
        };
        thread.Start();
    }
}
