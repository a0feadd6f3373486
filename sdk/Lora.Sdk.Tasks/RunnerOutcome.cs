namespace Lora.Sdk.Tasks;

/// <summary>Why the task asked the runner to stop, if it did.</summary>
internal enum StopReason
{
    /// <summary>The runner ended on its own.</summary>
    None,

    /// <summary>The build was cancelled (Ctrl+C or a stopped build).</summary>
    Cancelled,

    /// <summary><c>LoraRunnerTimeout</c> elapsed.</summary>
    TimedOut,
}

/// <summary>How a runner process ended.</summary>
/// <param name="ExitCode">0 done, 1 error, 2 an [Expect] not met, 130 cancelled; anything else is a crash.</param>
/// <param name="StopReason">Whether the task asked it to stop.</param>
/// <param name="Killed">Whether it had to be killed after the grace period.</param>
/// <param name="Elapsed">Wall time from start to exit.</param>
internal sealed record RunnerOutcome(int ExitCode, StopReason StopReason, bool Killed, TimeSpan Elapsed)
{
    public const int Success = RunnerProtocol.ExitCode.Success, Failure = RunnerProtocol.ExitCode.Failure,
        ExpectationFailed = RunnerProtocol.ExitCode.ExpectationFailed, Cancelled = RunnerProtocol.ExitCode.Cancelled;
}
