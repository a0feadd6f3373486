using System.ComponentModel;
using System.Globalization;
using Microsoft.Build.Framework;

namespace Lora.Sdk.Tasks;

/// <summary>
/// Runs a built project's experiments out of process (never inside the MSBuild node): starts the <c>lora</c>
/// runner against the project's own output folder, relays its progress as build messages and its failures as
/// errors, and on cancellation closes the runner's standard input so that it checkpoints and exits, killing it
/// only after <see cref="CancelGracePeriodSeconds"/>.
/// </summary>
public sealed class LoraRunExperiments : Microsoft.Build.Utilities.Task, ICancelableTask
{
    static readonly string[] Devices = ["cpu", "cuda", "auto"];
    const string LocalScheduler = "local", SlurmScheduler = "slurm";

    /// <summary>The runner's device names (Lora.Runtime's Devices.IsName; the task does not load the runtime).</summary>
    static bool IsDevice(string device) =>
        Devices.Contains(device, StringComparer.Ordinal) || (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device.Substring(5), NumberStyles.None, CultureInfo.InvariantCulture, out _));

    readonly ManualResetEvent _cancelled = new(false);
    readonly object _gate = new();
    RunnerProcess? _runner;

    /// <summary>The runner assembly, <c>lora.dll</c> in the project's output folder.</summary>
    [Required]
    public string RunnerPath { get; set; } = "";

    /// <summary>The built project assembly that declares the [Experiment] records.</summary>
    [Required]
    public string AssemblyPath { get; set; } = "";

    /// <summary>The artifacts root; each experiment writes &lt;root&gt;/&lt;name&gt;/.</summary>
    [Required]
    public string ArtifactsDirectory { get; set; } = "";

    /// <summary>The <c>dotnet</c> host that runs the runner; "dotnet" from PATH when empty.</summary>
    public string DotNetHostPath { get; set; } = "";

    /// <summary>The project's runtimeconfig.json (frameworks the runner needs).</summary>
    public string RuntimeConfigPath { get; set; } = "";

    /// <summary>The project's deps.json (its package assemblies and native libraries).</summary>
    public string DepsFilePath { get; set; } = "";

    /// <summary>Names (or name/variant) to run; all when empty.</summary>
    public string[] Experiments { get; set; } = [];

    /// <summary>cpu, cuda, cuda:N or auto.</summary>
    public string Device { get; set; } = "cpu";

    /// <summary>LoraShareDevice: compute while other builds on this machine compute on the same device (false: take turns).</summary>
    public bool ShareDevice { get; set; }

    /// <summary>An installed libtorch's library folder (LoraLibTorchPath), handed to the runner; empty when a package brings libtorch.</summary>
    public string LibTorchPath { get; set; } = "";

    /// <summary>The Hugging Face cache (LoraHubCache) that base models named by id are read from, handed to the runner as
    /// HF_HUB_CACHE; empty: the runner finds it as Python does, from the environment it inherits.</summary>
    public string HubCache { get; set; } = "";

    /// <summary>Seconds the runner may take before it is stopped like a cancellation; 0 for no limit.</summary>
    public int TimeoutSeconds { get; set; }

    /// <summary>Seconds a stopped runner gets to write its checkpoint and exit before it is killed.</summary>
    public int CancelGracePeriodSeconds { get; set; } = 30;

    /// <summary>LoraScheduler: local (the runner on this machine) or slurm (one Slurm job array; Slurm/SlurmSchedule.cs).</summary>
    public string Scheduler { get; set; } = "local";

    /// <summary>LoraSchedulerWait: with slurm, wait for the job array (true) or submit and return (false).</summary>
    public bool SchedulerWait { get; set; } = true;

    /// <summary>LoraSlurmPartition, LoraSlurmAccount, LoraSlurmQos: sbatch's --partition, --account, --qos; empty for the defaults.</summary>
    public string SlurmPartition { get; set; } = "";

    public string SlurmAccount { get; set; } = "";

    public string SlurmQos { get; set; } = "";

    /// <summary>LoraSlurmOptions: more sbatch options (e.g. --cpus-per-task=8), after Lora's own.</summary>
    public string SlurmOptions { get; set; } = "";

    /// <summary>The job name Slurm shows (the project's name).</summary>
    public string SlurmJobName { get; set; } = "lora";

    /// <summary>The runner's working directory (the project directory).</summary>
    public string WorkingDirectory { get; set; } = "";

    /// <summary>Asks the running runner to stop: closes its standard input; Execute kills it after the grace period.</summary>
    public void Cancel()
    {
        _cancelled.Set();
        lock (_gate)
        {
            _runner?.CloseInput();
        }
    }

    public override bool Execute()
    {
        var log = new BuildLog(Log, BuildEngine?.ProjectFileOfTaskNode ?? "");
        if (!SettingsAreValid(log))
        {
            return false;
        }

        if (ArtifactsFolder.Problem(ArtifactsDirectory) is { } problem)
        {
            log.Error(ErrorCodes.ArtifactsNotWritable,
                $"The artifacts folder '{ArtifactsDirectory}' (LoraArtifactsDir) cannot be written: {problem} Set LoraArtifactsDir to a folder this build can write.");
            return false;
        }

        var command = new RunnerCommand(
            DotNetHostPath.Length > 0 ? DotNetHostPath : "dotnet", RuntimeConfigPath, DepsFilePath, RunnerPath, AssemblyPath,
            ArtifactsDirectory, Device, Experiments.Where(e => e.Trim().Length > 0).Select(e => e.Trim()).ToList(),
            WorkingDirectory.Length > 0 ? WorkingDirectory : Directory.GetCurrentDirectory(), LibTorchPath, ShareDevice, HubCache);
        if (Scheduler == SlurmScheduler)
        {
            var settings = new Slurm.SlurmSettings(SlurmPartition, SlurmAccount, SlurmQos, SlurmOptions, SchedulerWait);
            return new Slurm.SlurmSchedule(log, command, settings, Device, TimeoutSeconds, TimeSpan.FromSeconds(CancelGracePeriodSeconds), SlurmJobName).Run(_cancelled);
        }

        log.Message(MessageImportance.Low, "Starting the Lora runner: " + command);

        RunnerProcess runner;
        try
        {
            runner = RunnerProcess.Start(command.ToStartInfo());
        }
        catch (Win32Exception e)
        {
            log.Error(ErrorCodes.RunnerNotStarted, $"The Lora runner could not be started with '{command.DotNetHost}': {e.Message}. Set LoraDotNetHost to the dotnet executable.");
            return false;
        }

        using (runner)
        {
            lock (_gate)
            {
                _runner = runner;
            }

            var relay = new ProtocolRelay(log);
            TimeSpan? timeout = TimeoutSeconds > 0 ? TimeSpan.FromSeconds(TimeoutSeconds) : null;
            var grace = TimeSpan.FromSeconds(CancelGracePeriodSeconds);
            var outcome = RunnerSession.Run(runner, relay.Relay, _cancelled, timeout, grace);
            lock (_gate)
            {
                _runner = null;
            }

            OutcomeReport.Report(outcome, relay, log, timeout, grace);
            if (outcome.StopReason == StopReason.Cancelled)
            {
                // Cancelled work is not done: the build must not treat it as a success.
                return false;
            }
        }

        return !log.HasLoggedErrors;
    }

    bool SettingsAreValid(BuildLog log)
    {
        if (!IsDevice(Device))
        {
            log.Error(ErrorCodes.InvalidSetting, $"LoraDevice is '{Device}'; expected one of {string.Join(", ", Devices)} or cuda:N (N a GPU index).");
        }

        if (Scheduler is not (LocalScheduler or SlurmScheduler))
        {
            log.Error(ErrorCodes.InvalidSetting, $"LoraScheduler is '{Scheduler}'; expected {LocalScheduler} (train on this machine) or {SlurmScheduler} (submit a Slurm job array).");
        }
        else if (Scheduler == SlurmScheduler && Device == "auto")
        {
            // The fingerprint holds the type the run computes in, which auto resolves on the node that runs: the build cannot know it.
            log.Error(ErrorCodes.InvalidSetting, "LoraScheduler=slurm needs LoraDevice cpu or cuda: auto would be resolved on each Slurm node, which this build cannot see.");
        }

        if (TimeoutSeconds < 0 || CancelGracePeriodSeconds < 0)
        {
            log.Error(ErrorCodes.InvalidSetting, string.Create(CultureInfo.InvariantCulture,
                $"LoraRunnerTimeout ({TimeoutSeconds}) and LoraCancelGracePeriod ({CancelGracePeriodSeconds}) are seconds and cannot be negative."));
        }

        if (!File.Exists(RunnerPath))
        {
            log.Error(ErrorCodes.RunnerNotStarted,
                $"The Lora runner '{RunnerPath}' does not exist. It comes with the Lora.Cli package, copied into the output folder when CopyLocalLockFileAssemblies is true (Lora.Sdk's default); restore and build again, or set LoraRunnerPath.");
        }

        if (!File.Exists(AssemblyPath))
        {
            log.Error(ErrorCodes.RunnerNotStarted, $"The project assembly '{AssemblyPath}' does not exist; the build did not produce it.");
        }

        return !log.HasLoggedErrors;
    }
}
