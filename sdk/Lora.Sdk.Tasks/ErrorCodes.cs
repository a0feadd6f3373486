namespace Lora.Sdk.Tasks;

/// <summary>
/// The build's own diagnostic codes (LORA1xxx). The generator's compile-time codes are LORA00xx; these are the
/// ones raised while running experiments after the build.
/// </summary>
internal static class ErrorCodes
{
    /// <summary>The runner reported an error (<c>##lora error</c>): bad data, a corrupt file, a missing folder.</summary>
    public const string RunnerError = "LORA1001";

    /// <summary>An <c>[Expect]</c> threshold was not met.</summary>
    public const string ExpectationNotMet = "LORA1002";

    /// <summary>The runner was cancelled (Ctrl+C, or the build was stopped).</summary>
    public const string Cancelled = "LORA1003";

    /// <summary>The runner could not be started: <c>dotnet</c> or <c>lora.dll</c> missing.</summary>
    public const string RunnerNotStarted = "LORA1004";

    /// <summary>The artifacts folder cannot be created or written.</summary>
    public const string ArtifactsNotWritable = "LORA1005";

    /// <summary>The runner failed without saying why on the protocol (a crash); its last error output is attached.</summary>
    public const string RunnerCrashed = "LORA1006";

    /// <summary>The runner took longer than <c>LoraRunnerTimeout</c>.</summary>
    public const string TimedOut = "LORA1007";

    /// <summary>A task parameter (an MSBuild property) has a value the task cannot use.</summary>
    public const string InvalidSetting = "LORA1008";

    /// <summary>The runner did not stop within the grace period after cancellation and was killed.</summary>
    public const string Killed = "LORA1009";

    /// <summary>A base model named by id is not in the Hugging Face cache (or incomplete there) and downloads are off (HF_HUB_OFFLINE, LoraPullBaseModels=false).</summary>
    public const string BaseModelNotCached = "LORA1014";

    /// <summary>A base model named by id could not be pulled: gated, not on the hub, unreachable, a transfer that kept failing.</summary>
    public const string BaseModelPullFailed = "LORA1015";

    /// <summary>LoraScheduler=slurm: sbatch, squeue or scancel could not be run, or refused the job (Slurm's own message attached).</summary>
    public const string SlurmUnavailable = "LORA1070";

    /// <summary>A Slurm task failed: the runner crashed, or the task ended without an exit status (killed by Slurm, a node failure).</summary>
    public const string SlurmTaskFailed = "LORA1071";

    /// <summary>A Slurm task stopped before finishing without this build cancelling it: its time limit (LoraRunnerTimeout), or scancel by someone else.</summary>
    public const string SlurmTaskStopped = "LORA1072";

    /// <summary>A dataset's first lines could not be copied for the compile-time check (a warning: the runtime reads it again).</summary>
    public const string DatasetHeadUnreadable = "LORA1020";

    /// <summary>Whether a code the runner names with an error is one of the build's (LORA1xxx: LORA1050, a dataset line it
    /// cannot use, from Lora.Runtime's ErrorLocation); others are reported as <see cref="RunnerError"/>.</summary>
    public static bool IsBuildCode(string code) =>
        code.Length == 8 && code.StartsWith("LORA1", StringComparison.Ordinal) && code.Skip(4).All(char.IsAsciiDigit);
}
