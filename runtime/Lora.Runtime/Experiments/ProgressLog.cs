using System.Globalization;
using System.Text.Json.Nodes;
using Field = Lora.Runtime.Experiments.RunnerProtocol.Field;

namespace Lora.Runtime.Experiments;

/// <summary>
/// <c>progress.jsonl</c>: one JSON object a line, appended and flushed as training goes, so a run can be watched (tail -f,
/// a notebook) and plotted while it trains. The step records have the fields of the build's progress lines
/// (<see cref="RunnerProtocol.Field"/>: step, total, epoch, loss, lr) plus <c>event</c>, <c>tokens</c> and <c>elapsed_s</c>;
/// events: <c>start</c> (a fresh run: the file starts over), <c>resume</c> (from a checkpoint: appended to), <c>step</c> (one
/// per optimizer step, its own loss), <c>eval</c> (an evaluation: <c>eval_loss</c>).
/// </summary>
sealed class ProgressLog : IDisposable
{
    public const string Start = "start", Resume = "resume", StepEvent = "step", EvalEvent = "eval";

    readonly StreamWriter _writer;
    readonly Func<double> _seconds;

    ProgressLog(StreamWriter writer, Func<double> seconds) => (_writer, _seconds) = (writer, seconds);

    /// <summary>Opens the experiment's progress.jsonl: a fresh run (<paramref name="resumedStep"/> null) starts it over, a
    /// resumed one appends to it.</summary>
    public static ProgressLog Open(ExperimentPaths paths, string fingerprint, int totalSteps, int? resumedStep, Func<double> seconds)
    {
        Directory.CreateDirectory(paths.Root);
        var stream = new FileStream(paths.Progress, resumedStep is null ? FileMode.Create : FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        var log = new ProgressLog(new StreamWriter(stream) { AutoFlush = false }, seconds);
        log.Write(new JsonObject
        {
            [Field.Event] = resumedStep is null ? Start : Resume, [Field.Step] = resumedStep ?? 0, [Field.Total] = totalSteps, ["fingerprint"] = fingerprint,
        });
        return log;
    }

    /// <summary>One optimizer step: its loss and learning rate, the epoch and tokens trained so far.</summary>
    public void Step(int step, int totalSteps, double epoch, double loss, double learningRate, long tokens) => Write(new JsonObject
    {
        [Field.Event] = StepEvent, [Field.Step] = step, [Field.Total] = totalSteps, [Field.Epoch] = Math.Round(epoch, 4),
        [Field.Loss] = Finite(loss), [Field.LearningRate] = learningRate, [Field.Tokens] = tokens,
    });

    /// <summary>An evaluation after <paramref name="step"/>.</summary>
    public void Eval(int step, int totalSteps, double evalLoss) => Write(new JsonObject
    {
        [Field.Event] = EvalEvent, [Field.Step] = step, [Field.Total] = totalSteps, [Field.EvalLoss] = Finite(evalLoss),
    });

    void Write(JsonObject record)
    {
        record[Field.ElapsedSeconds] = Math.Round(_seconds(), 3);
        _writer.Write(record.ToJsonString());
        _writer.Write('\n');
        // Flushed to the file each line: a reader sees the step as soon as the run has it.
        _writer.Flush();
    }

    /// <summary>JSON has no NaN: a non-finite loss (the run stops on it) is written as null.</summary>
    static double? Finite(double value) => double.IsFinite(value) ? Math.Round(value, 6) : null;

    public void Dispose() => _writer.Dispose();
}
