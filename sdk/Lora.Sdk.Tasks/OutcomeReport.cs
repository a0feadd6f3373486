using System.Globalization;
using Microsoft.Build.Framework;

namespace Lora.Sdk.Tasks;

/// <summary>
/// What the build says about how the runner ended, beyond the protocol lines already relayed: a cancellation, a
/// timeout, a kill, or an exit code that the runner did not explain.
/// </summary>
internal static class OutcomeReport
{
    const string ResumeHint = "The last checkpoint is kept; the next build resumes from it.";

    public static void Report(RunnerOutcome outcome, ProtocolRelay relay, BuildLog log, TimeSpan? timeout, TimeSpan grace)
    {
        log.Message(MessageImportance.Normal, string.Create(CultureInfo.InvariantCulture,
            $"Lora runner exited with code {outcome.ExitCode} after {outcome.Elapsed.TotalSeconds:0.00} s."));

        if (outcome.Killed)
        {
            log.Warning(ErrorCodes.Killed, string.Create(CultureInfo.InvariantCulture,
                $"The Lora runner did not stop within {grace.TotalSeconds:0} s (LoraCancelGracePeriod) and was killed; checkpoints written before are kept, the current step is lost."));
        }

        switch (outcome.StopReason)
        {
            case StopReason.Cancelled:
                // The build is already stopping: a warning explains, an error would only repeat it.
                log.Warning(ErrorCodes.Cancelled, "Training was cancelled. " + ResumeHint);
                return;
            case StopReason.TimedOut:
                log.Error(ErrorCodes.TimedOut, string.Create(CultureInfo.InvariantCulture,
                    $"The Lora runner took longer than LoraRunnerTimeout ({timeout?.TotalSeconds:0} s) and was stopped. {ResumeHint} Raise LoraRunnerTimeout, or set it to 0 for no limit."));
                return;
        }

        switch (outcome.ExitCode)
        {
            case RunnerOutcome.Success:
                return;
            case RunnerOutcome.ExpectationFailed when relay.FailedExpectations == 0:
                log.Error(ErrorCodes.ExpectationNotMet, "The Lora runner reported an [Expect] threshold not met (exit code 2) without naming it; see the output above.");
                return;
            case RunnerOutcome.ExpectationFailed:
                return;
            case RunnerOutcome.Cancelled:
                log.Error(ErrorCodes.Cancelled, "The Lora runner was interrupted (exit code 130: Ctrl+C or a signal). " + ResumeHint);
                return;
            case RunnerOutcome.Failure when relay.ReportedError:
                return;
            default:
                log.Error(ErrorCodes.RunnerCrashed, CrashText(outcome.ExitCode, relay.ErrorTail));
                return;
        }
    }

    static string CrashText(int exitCode, IReadOnlyCollection<string> errorTail)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"The Lora runner failed with exit code {exitCode} without reporting an error.");
        return errorTail.Count == 0
            ? text + " It wrote nothing on standard error; build with -v:n to see its full output."
            : text + " Its last error output: " + string.Join(" | ", errorTail.Where(l => l.Trim().Length > 0).TakeLast(8));
    }
}
