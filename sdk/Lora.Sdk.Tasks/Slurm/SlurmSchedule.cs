using System.Globalization;
using Microsoft.Build.Framework;

namespace Lora.Sdk.Tasks.Slurm;

/// <summary>
/// LoraScheduler=slurm: the build's experiments as one Slurm job array instead of one local runner.
/// <list type="number">
/// <item>A job an earlier build submitted and did not collect (LoraSchedulerWait=false, or a killed build) is collected first:
/// followed while it runs (or, without waiting, left running and nothing submitted), its tasks' output relayed, their ends reported.</item>
/// <item><c>lora experiment plan</c> runs here, out of process, and says which experiments need computing (fingerprints decide,
/// as locally); those up to date are reported as skipped, with their expectations.</item>
/// <item>The rest become the tasks of one <c>sbatch --array</c> job (<see cref="SlurmJobScript"/>, <see cref="SlurmResources"/>);
/// nothing is submitted when none needs computing.</item>
/// <item>The build follows the array (<see cref="SlurmJobWatch"/>) unless LoraSchedulerWait=false; cancelling the build cancels the
/// array, each running task checkpointing first, and the next build's tasks resume from those checkpoints.</item>
/// </list>
/// </summary>
internal sealed class SlurmSchedule(BuildLog log, RunnerCommand command, SlurmSettings settings, string device, int timeoutSeconds, TimeSpan grace, string jobName)
{
    const string ResumeHint = "The next build submits it again and it resumes from its last checkpoint.";

    public bool Run(WaitHandle cancelled)
    {
        var folder = SlurmArrayJob.FolderIn(command.Artifacts);
        try
        {
            if (SlurmArrayJob.Load(folder) is { } earlier)
            {
                var watch = new SlurmJobWatch(earlier, log);
                if (!settings.Wait && watch.Active())
                {
                    log.Message(MessageImportance.High,
                        $"Slurm job {earlier.JobId} ({earlier.Experiments.Count} task(s)), submitted by an earlier build, is still running: nothing submitted. Build again to collect it.");
                    return true;
                }

                log.Message(MessageImportance.High, $"Collecting Slurm job {earlier.JobId}, submitted by an earlier build ({string.Join(", ", earlier.Experiments)}).");
                if (!Collect(earlier, watch, cancelled, byEarlierBuild: true) || log.HasLoggedErrors) return false;
            }

            var planned = Plan(cancelled);
            if (planned is null) return false;
            if (planned.Count == 0)
            {
                log.Message(MessageImportance.High, "No experiment needs computing: nothing submitted to Slurm.");
                return !log.HasLoggedErrors;
            }

            var job = Submit(folder, planned);
            if (!settings.Wait)
            {
                log.Message(MessageImportance.High, "LoraSchedulerWait=false: not waiting for the job; the next build collects what finished.");
                return !log.HasLoggedErrors;
            }

            return Collect(job, new SlurmJobWatch(job, log), cancelled, byEarlierBuild: false) && !log.HasLoggedErrors;
        }
        catch (SlurmException e)
        {
            log.Error(ErrorCodes.SlurmUnavailable, e.Message);
            return false;
        }
    }

    /// <summary>The experiments that need computing, from <c>lora experiment plan</c>; null when the plan failed or was cancelled.</summary>
    List<PlannedExperiment>? Plan(WaitHandle cancelled)
    {
        var plan = command with { Verb = "plan", CancelOnStdinClose = false, ShareDevice = false };
        log.Message(MessageImportance.Low, "Asking the Lora runner which experiments need computing: " + plan);
        var relay = new ProtocolRelay(log);
        var planned = new List<PlannedExperiment>();
        RunnerOutcome outcome;
        RunnerProcess started;
        try
        {
            started = RunnerProcess.Start(plan.ToStartInfo());
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            log.Error(ErrorCodes.RunnerNotStarted, $"The Lora runner could not be started with '{plan.DotNetHost}': {e.Message}. Set LoraDotNetHost to the dotnet executable.");
            return null;
        }

        using (var runner = started)
        {
            outcome = RunnerSession.Run(runner, line =>
            {
                if (!line.IsError && ProtocolLine.TryParse(line.Text, out var parsed) && parsed.Kind == RunnerProtocol.Kind.Plan
                    && PlannedExperiment.TryParse(parsed.Payload) is { } experiment)
                    planned.Add(experiment);
                else relay.Relay(line);
            }, cancelled, timeout: null, grace: TimeSpan.Zero);
        }

        OutcomeReport.Report(outcome, relay, log, null, TimeSpan.Zero);
        // Exit code 2: an up-to-date experiment missed an expectation (reported); the others are still worth computing.
        return outcome.StopReason == StopReason.None && outcome.ExitCode is RunnerOutcome.Success or RunnerOutcome.ExpectationFailed ? planned : null;
    }

    SlurmArrayJob Submit(string folder, IReadOnlyList<PlannedExperiment> planned)
    {
        var names = planned.Select(p => p.Name).ToList();
        var task = command with { Device = SlurmResources.TaskDevice(device), Experiments = [], CancelOnStdinClose = false, ShareDevice = true };
        var script = SlurmJobScript.Write(folder, task, names);
        var arguments = new List<string>
        {
            "--parsable", "--array=0-" + (names.Count - 1).ToString(CultureInfo.InvariantCulture), "--job-name=" + jobName,
            "--output=" + Path.Combine(folder, "%A_%a.out"), "--error=" + Path.Combine(folder, "%A_%a.err"), "--chdir=" + command.WorkingDirectory,
        };
        arguments.AddRange(SlurmResources.Arguments(planned, device, timeoutSeconds, (int)grace.TotalSeconds, settings));
        arguments.Add(script);
        log.Message(MessageImportance.Normal, "sbatch " + string.Join(" ", arguments));
        var (code, stdout, stderr) = SlurmTool.Run("sbatch", arguments);
        if (code != 0 || stdout.Length == 0)
            throw new SlurmException($"sbatch refused the job (exit code {code}): {(stderr.Length > 0 ? stderr : stdout)}");
        var job = new SlurmArrayJob(folder, stdout.Split(';')[0].Trim(), names);
        job.Save();
        log.Message(MessageImportance.High, $"Submitted Slurm job {job.JobId}: {names.Count} task(s) ({string.Join(", ", names)}); their output goes to {folder}.");
        return job;
    }

    /// <summary>Follows the job to its end and reports each task; false when the build cancelled it. A task of an earlier build's
    /// job that stopped after a checkpoint (that build was cancelled, or a time limit) is only mentioned: this build resubmits it.</summary>
    bool Collect(SlurmArrayJob job, SlurmJobWatch watch, WaitHandle cancelled, bool byEarlierBuild)
    {
        bool cancelledByBuild = watch.Follow(cancelled, grace);
        int checkpointed = 0, notRun = 0;
        for (int i = 0; i < job.Experiments.Count; i++)
        {
            string name = job.Experiments[i];
            var relay = watch.Relays[i];
            switch (job.ExitCode(i))
            {
                case RunnerOutcome.Success:
                case RunnerOutcome.ExpectationFailed when relay.FailedExpectations > 0:
                case RunnerOutcome.Failure when relay.ReportedError:
                    break;
                case RunnerOutcome.Cancelled when cancelledByBuild:
                    checkpointed++;
                    break;
                case null when cancelledByBuild:
                    notRun++;
                    break;
                case RunnerOutcome.Cancelled or null when byEarlierBuild:
                    log.Message(MessageImportance.High, $"Slurm task {job.JobId}_{i} ({name}) stopped before it finished; this build submits it again.");
                    break;
                case RunnerOutcome.Cancelled:
                    log.Error(ErrorCodes.SlurmTaskStopped,
                        $"Slurm task {job.JobId}_{i} ({name}) was stopped before it finished (its time limit from LoraRunnerTimeout, or a scancel) and wrote a checkpoint. {ResumeHint}");
                    break;
                case null:
                    log.Error(ErrorCodes.SlurmTaskFailed,
                        $"Slurm task {job.JobId}_{i} ({name}) ended without its runner's exit status: Slurm stopped it (time limit, memory, a node failure, scancel) or it never ran. {ResumeHint}"
                        + Tail(watch, i));
                    break;
                case { } code:
                    log.Error(ErrorCodes.SlurmTaskFailed,
                        string.Create(CultureInfo.InvariantCulture, $"Slurm task {job.JobId}_{i} ({name}) failed: its runner exited with code {code} without reporting why.") + Tail(watch, i));
                    break;
            }
        }

        if (!watch.Active()) job.Forget();
        if (!cancelledByBuild) return true;
        log.Warning(ErrorCodes.Cancelled,
            $"Training was cancelled: Slurm job {job.JobId} was cancelled ({checkpointed} task(s) stopped after writing a checkpoint, {notRun} not started or killed). The next build submits the unfinished experiments again; each resumes from its last checkpoint.");
        return false;
    }

    string Tail(SlurmJobWatch watch, int task) =>
        watch.ErrorTail(task) is { Count: > 0 } tail ? " Its last error output: " + string.Join(" | ", tail) : " It wrote nothing on standard error.";
}
