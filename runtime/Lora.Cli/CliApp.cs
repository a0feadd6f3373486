using System.CommandLine;
using System.CommandLine.Help;
using Lora.Cli.Commands;

namespace Lora.Cli;

/// <summary>
/// The <c>lora</c> command line: wires the verbs under one root command and turns failures into
/// "lora: error: …" lines and exit codes. Callable in-process (tests) as well as from <c>Program</c>.
/// </summary>
public static class CliApp
{
    /// <summary>Exit code of a successful command.</summary>
    public const int Success = Lora.Runtime.Experiments.RunnerProtocol.ExitCode.Success;

    /// <summary>Exit code of a failed command: wrong arguments (with usage help) or an error while running.</summary>
    public const int Failure = Lora.Runtime.Experiments.RunnerProtocol.ExitCode.Failure;

    /// <summary>
    /// Exit code of <c>lora chat-template</c> when the template called <c>raise_exception</c> (it refuses the conversation),
    /// as the reference renderer render.py exits.
    /// </summary>
    public const int TemplateRaised = 3;

    /// <summary>Runs <c>lora</c> with <paramref name="args"/>; output goes to the given writers, never to the console.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var root = BuildRootCommand();
        var parseResult = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Errors are reported by ErrorReport below: System.CommandLine's handler prints a stack trace for everything.
            EnableDefaultExceptionHandler = false,
        };
        try
        {
            return parseResult.Invoke(invocation);
        }
        catch (Exception e)
        {
            return ErrorReport.Write(e, stderr, parseResult.GetValue(GlobalOptions.Verbose));
        }
    }

    /// <summary>
    /// The root command with every verb. A plain command named "lora" rather than a RootCommand, whose name is the
    /// process's: usage lines must say "lora" in tests (testhost) and under "dotnet lora.dll" too.
    /// </summary>
    public static Command BuildRootCommand()
    {
        var root = new Command("lora", "Run, merge and inspect Hugging Face models and PEFT LoRA adapters on TorchSharp.")
        {
            new HelpOption(),
            new VersionOption(),
            GlobalOptions.Verbose,
            LogitsCommand.Create(),
            GenerateCommand.Create(),
            MergeCommand.Create(),
            InspectCommand.Create(),
            ChatTemplateCommand.Create(),
            PullCommand.Create(),
            ExperimentCommand.Create(),
            QuantizeCommand.Create(),
            DataCommand.Create(),
            PretrainCommand.Create(),
            BenchCommand.Create(),
            ExportCommand.Create(),
        };
        return root;
    }
}
