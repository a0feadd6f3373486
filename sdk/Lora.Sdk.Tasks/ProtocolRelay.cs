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
                RelayError(line.Payload);
                break;
            case ProtocolLine.Expectation:
                RelayExpectation(line.Payload);
                break;
            default:
                log.Message(MessageImportance.Normal, output.Text);
                break;
        }
    }

    /// <summary>Plain text, or a JSON object with text, code, file, line and column: logged at that place, under that code.</summary>
    void RelayError(string payload)
    {
        if (JsonFields.Object(payload) is { } o && JsonFields.String(o, RunnerProtocol.Field.Text) is { } text)
        {
            var code = JsonFields.String(o, RunnerProtocol.Field.Code) is { } c && ErrorCodes.IsBuildCode(c) ? c : ErrorCodes.RunnerError;
            log.Error(code, text, Spot(o));
            return;
        }

        log.Error(ErrorCodes.RunnerError, payload);
    }

    /// <summary>The file, line and column of a payload, when it names a file.</summary>
    internal static SourceSpot? Spot(System.Text.Json.JsonElement o) =>
        JsonFields.String(o, RunnerProtocol.Field.File) is { Length: > 0 } file
            ? new SourceSpot(file, (int)(JsonFields.Number(o, RunnerProtocol.Field.Line) ?? 0), (int)(JsonFields.Number(o, RunnerProtocol.Field.Column) ?? 0))
            : null;

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
        log.Error(ErrorCodes.ExpectationNotMet, expectation.FormatFailed(), expectation.At);
    }
}
