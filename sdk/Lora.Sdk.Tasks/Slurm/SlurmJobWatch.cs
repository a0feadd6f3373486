using Microsoft.Build.Framework;

namespace Lora.Sdk.Tasks.Slurm;

/// <summary>
/// Follows a job array to its end: relays each task's output as it grows (progress, errors, expectations, as a local runner's
/// are relayed), asks squeue whether tasks are left, and when the build is cancelled stops the array with scancel: pending
/// tasks cancelled, running ones sent SIGTERM (their runner checkpoints and exits 130), and after the grace period killed.
/// </summary>
internal sealed class SlurmJobWatch
{
    static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250), QueueInterval = TimeSpan.FromSeconds(1);

    /// <summary>How long to wait after the final scancel for Slurm to report the tasks gone.</summary>
    static readonly TimeSpan AfterKill = TimeSpan.FromSeconds(30);

    readonly SlurmArrayJob _job;
    readonly BuildLog _log;
    readonly List<(TaskOutput Output, TaskOutput Error)> _files;

    public SlurmJobWatch(SlurmArrayJob job, BuildLog log)
    {
        _job = job;
        _log = log;
        _files = Enumerable.Range(0, job.Experiments.Count).Select(i => (new TaskOutput(job.Output(i), false), new TaskOutput(job.Error(i), true))).ToList();
        Relays = job.Experiments.Select(_ => new ProtocolRelay(log)).ToList();
    }

    /// <summary>One relay per task: what each task reported (an error, a failed expectation) is known per task.</summary>
    public IReadOnlyList<ProtocolRelay> Relays { get; }

    /// <summary>The last lines of a task's error output.</summary>
    public IReadOnlyList<string> ErrorTail(int task) => _files[task].Error.Tail(8);

    /// <summary>Whether any task of the job is pending or running.</summary>
    public bool Active()
    {
        var (code, stdout, stderr) = SlurmTool.Run("squeue", ["--noheader", "--array", "--jobs", _job.JobId, "--format=%i"]);
        if (code == 0) return stdout.Length > 0;
        // A job that ended long enough ago (MinJobAge) is unknown to slurmctld: nothing left of it runs.
        if (stderr.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase)) return false;
        throw new SlurmException($"squeue could not report job {_job.JobId}: {stderr}");
    }

    /// <summary>Relays output until no task is left; returns whether the build cancelled the job meanwhile.</summary>
    public bool Follow(WaitHandle cancel, TimeSpan grace)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan? cancelledAt = null, killedAt = null;
        TimeSpan? lastQuery = null;
        while (true)
        {
            RelayNew();
            if (cancelledAt is null && cancel.WaitOne(0))
            {
                _log.Message(MessageImportance.High,
                    $"Cancelling Slurm job {_job.JobId}: pending tasks are cancelled, running ones get SIGTERM and write a checkpoint (LoraCancelGracePeriod {grace.TotalSeconds:0} s).");
                Scancel("--state=PENDING", _job.JobId);
                Scancel("--signal=TERM", "--full", _job.JobId);
                cancelledAt = clock.Elapsed;
            }

            if (cancelledAt is { } at && killedAt is null && clock.Elapsed - at > grace)
            {
                Scancel(_job.JobId);
                killedAt = clock.Elapsed;
            }

            if (killedAt is { } k && clock.Elapsed - k > AfterKill) break;
            if (lastQuery is null || clock.Elapsed - lastQuery >= QueueInterval)
            {
                lastQuery = clock.Elapsed;
                if (!Active()) break;
            }

            // Wakes early on a cancellation; once cancelled, the handle stays set, so sleep instead.
            if (cancelledAt is null) cancel.WaitOne(Poll);
            else Thread.Sleep(Poll);
        }

        RelayNew();
        return cancelledAt is not null;
    }

    /// <summary>Relays what the tasks wrote since the last call.</summary>
    public void RelayNew()
    {
        for (int task = 0; task < _files.Count; task++)
        {
            foreach (var line in _files[task].Output.NewLines()) Relays[task].Relay(line);
            foreach (var line in _files[task].Error.NewLines()) Relays[task].Relay(line);
        }
    }

    void Scancel(params string[] arguments)
    {
        var (code, _, stderr) = SlurmTool.Run("scancel", arguments);
        if (code != 0) _log.Message(MessageImportance.Normal, $"scancel {string.Join(" ", arguments)}: {stderr}");
    }
}
