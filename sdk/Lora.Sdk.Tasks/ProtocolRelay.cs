using Microsoft.Build.Framework;

namespace Lora.Sdk.Tasks;

/// <summary>
/// Turns the runner's output into build output: progress, info, skipped and done lines as high-importance
/// messages, <c>##lora error</c> as error LORA1001, an unmet expectation as error LORA1002, plain output as normal
/// messages. Keeps the last lines of standard error for a crash report.
/// </summary>
internal sealed class ProtocolRelay(BuildLog log)
{
    const int TailLength = 20;
    readonly Queue<string> _errorTail = new();

    /// <summary>Whether the runner reported an error line.</summary>
    public bool ReportedError { get; private set; }

    /// <summary>How many expectations the runner reported as not met.</summary>
    public int FailedExpectations { get; private set; }

    /// <summary>The last lines the runner wrote on standard error.</summary>
    public IReadOnlyCollection<string> ErrorTail => _errorTail;

    public void Relay(RunnerOutput output)
    {
        if (output.IsError)
        {
            if (_errorTail.Count == TailLength)
            {
                _errorTail.Dequeue();
            }

            _errorTail.Enqueue(output.Text);
            log.Message(MessageImportance.Normal, output.Text);
            return;
        }

        if (!ProtocolLine.TryParse(output.Text, out var line))
        {
            log.Message(MessageImportance.Normal, output.Text);
            return;
        }

        switch (line.Kind)
        {
            case ProtocolLine.Progress:
                log.Message(MessageImportance.High, ProgressLine.TryParse(line.Payload)?.Format() ?? line.Payload);
                break;
            case ProtocolLine.Info or ProtocolLine.Skipped or ProtocolLine.Done:
                log.Message(MessageImportance.High, line.Payload);
                break;
            case ProtocolLine.Error:
                ReportedError = true;
                log.Error(ErrorCodes.RunnerError, line.Payload);
                break;
            case ProtocolLine.Expectation:
                RelayExpectation(line.Payload);
                break;
            default:
                log.Message(MessageImportance.Normal, output.Text);
                break;
        }
    }

    void RelayExpectation(string payload)
    {
        if (ExpectationLine.TryParse(payload) is not { } expectation)
        {
            log.Message(MessageImportance.Normal, ProtocolLine.Prefix + ProtocolLine.Expectation + " " + payload);
            return;
        }

        if (expectation.Passed)
        {
            log.Message(MessageImportance.High, expectation.FormatPassed());
            return;
        }

        FailedExpectations++;
        log.Error(ErrorCodes.ExpectationNotMet, expectation.FormatFailed());
    }
}
