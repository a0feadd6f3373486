#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks;
#else
namespace Lora.Runtime.Experiments;
#endif

/// <summary>
/// The protocol between the experiment runner (<c>lora experiment run</c>) and the MSBuild task that starts it, defined
/// once: this file is compiled into the runtime, which writes it (<see cref="BuildProtocol"/>), and into Lora.Sdk.Tasks,
/// which reads it and cannot reference the runtime (MSBuild loads the task without TorchSharp). Each line on the runner's
/// standard output is <c>##lora &lt;kind&gt; &lt;payload&gt;</c>; progress and expectation payloads are JSON objects with
/// the <see cref="Field"/> names, the others text. The runner's exit code is one of <see cref="ExitCode"/>.
/// </summary>
#if LORA_SDK_TASKS
internal
#else
public
#endif
static class RunnerProtocol
{
    /// <summary>What every protocol line starts with; lines without it are plain output.</summary>
    public const string Prefix = "##lora ";

    /// <summary>The kinds of line.</summary>
    public static class Kind
    {
        public const string Progress = "progress", Info = "info", Skipped = "skipped", Done = "done", Error = "error", Expectation = "expectation";
        /// <summary><c>lora experiment plan</c>: an experiment that needs computing (a JSON payload), for a scheduler to run.</summary>
        public const string Plan = "plan";
    }

    /// <summary>The JSON fields of progress and expectation payloads.</summary>
    public static class Field
    {
        public const string Experiment = "experiment";
        // progress
        public const string Step = "step", Total = "total", Epoch = "epoch", Loss = "loss", LearningRate = "lr", TokensPerSecond = "tokens_per_s", EtaSeconds = "eta_s";
        // progress.jsonl, the same record per step, with what kind of event a line is, the tokens so far, the run's seconds so far
        // and, for evaluations, the eval loss
        public const string Event = "event", Tokens = "tokens", ElapsedSeconds = "elapsed_s", EvalLoss = "eval_loss";
        // expectation: a non-finite measurement travels as text in ActualNotFinite beside a null Actual (JSON has no NaN)
        public const string Metric = "metric", Actual = "actual", ActualNotFinite = "actual_not_finite", AtLeast = "at_least", AtMost = "at_most", Passed = "passed";
        // plan: the compile-time memory estimate of one training run, in MiB
        public const string MemoryMiB = "memory_mib";
        // where an error or an expectation is (error payloads with a location are JSON objects: text, code, file, line, column;
        // expectation payloads carry file, line, column of their [Expect]); line and column from 1
        public const string Text = "text", Code = "code", File = "file", Line = "line", Column = "column";
    }

    /// <summary>The runner's exit codes; anything else is a crash.</summary>
    public static class ExitCode
    {
        public const int Success = 0, Failure = 1, ExpectationFailed = 2, Cancelled = 130;
    }
}
