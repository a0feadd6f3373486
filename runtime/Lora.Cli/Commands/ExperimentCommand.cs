using System.CommandLine;
using Lora.Cli.Arguments;
using Lora.Runtime.Experiments;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora experiment run --assembly DLL --artifacts DIR [--experiment NAME]… [--device cpu|cuda|auto] [--cancel-on-stdin-close]</c>
/// runs the experiments a compiled project declares (what the Lora.Sdk build task starts, out of process), printing
/// <c>##lora …</c> protocol lines. <c>lora experiment plan</c> (same options) says which of them need computing, for a
/// scheduler (LoraScheduler=slurm) to run as tasks. <c>lora experiment list --assembly DLL</c> prints their resolved names.
/// Exit codes: 0 done, 1 error, 2 an [Expect] threshold not met, 130 cancelled.
/// </summary>
public static class ExperimentCommand
{
    public const int ExpectationFailed = RunnerProtocol.ExitCode.ExpectationFailed, Cancelled = RunnerProtocol.ExitCode.Cancelled;

    public static Command Create()
    {
        var assembly = new Option<string>("--assembly") { Description = "The compiled project that declares [Experiment] records.", HelpName = "DLL", Required = true };
        var artifacts = new Option<string>("--artifacts") { Description = "Artifacts root; each experiment writes <root>/<name>/.", HelpName = "DIR", DefaultValueFactory = _ => Path.Combine("artifacts", "lora") };
        var only = new Option<string[]>("--experiment") { Description = "Run only these experiments (name, or name/variant); repeatable.", HelpName = "NAME", AllowMultipleArgumentsPerToken = true };
        var device = CliOptions.Device();
        var stdinCancel = new Option<bool>("--cancel-on-stdin-close") { Description = "Stop cleanly (checkpoint, exit 130) when standard input closes: how the build task cancels." };

        var shareDevice = new Option<bool>("--share-device")
        {
            Description = "Compute while other builds compute on the same device; by default builds on one machine take turns per device.",
        };

        var run = new Command("run", "Train, merge and evaluate the experiments of a compiled project, skipping those that are up to date.")
        {
            assembly, artifacts, only, device, stdinCancel, shareDevice,
        };
        run.SetAction(parse => Run(parse.GetRequiredValue(assembly), parse.GetRequiredValue(artifacts), parse.GetValue(only) ?? [],
            parse.GetRequiredValue(device), parse.GetValue(stdinCancel), parse.GetValue(shareDevice), parse.InvocationConfiguration.Output));

        // The same options as run (a scheduler asks with the settings its tasks will run with), minus those about computing.
        var plan = new Command("plan", "Print a plan line (with the memory estimate) for each experiment that needs computing; report the rest as up to date. Computes nothing.")
        {
            assembly, artifacts, only, device,
        };
        plan.SetAction(parse => Run(parse.GetRequiredValue(assembly), parse.GetRequiredValue(artifacts), parse.GetValue(only) ?? [],
            parse.GetRequiredValue(device), cancelOnStdinClose: false, shareDevice: false, parse.InvocationConfiguration.Output, planOnly: true));

        var listAssembly = new Option<string>("--assembly") { Description = "The compiled project.", HelpName = "DLL", Required = true };
        var list = new Command("list", "Print the experiments (and sweep variants) a compiled project declares.") { listAssembly };
        list.SetAction(parse =>
        {
            foreach (var config in ExperimentHost.Discover(parse.GetRequiredValue(listAssembly)))
                parse.InvocationConfiguration.Output.WriteLine(config.FullName);
            return CliApp.Success;
        });

        return new Command("experiment", "Run or list the [Experiment] records of a compiled project.") { run, plan, list };
    }

    static int Run(string assemblyPath, string artifactsRoot, string[] only, string device, bool cancelOnStdinClose, bool shareDevice, TextWriter stdout, bool planOnly = false)
    {
        var protocol = new BuildProtocol(stdout);
        using var stdinClosed = new CancellationTokenSource();
        // Ctrl+C in a terminal reaches the whole process group (SIGTERM from Slurm or a supervisor): stop at the next step
        // boundary, keeping a checkpoint.
        using var cancel = new StopSignals(stdinClosed.Token);
        if (cancelOnStdinClose)
            _ = Task.Run(() =>
            {
                // The build task closes our standard input to cancel: EOF is the signal.
                while (Console.In.ReadLine() is not null) { }
                stdinClosed.Cancel();
            });
        try
        {
            // The device is resolved by the stages that compute (a skipped, up-to-date experiment loads no libtorch); a GPU
            // that is not there fails the first of them with the reason, before its model loads.
            var host = new ExperimentHost(new RunnerOptions { ArtifactsRoot = Path.GetFullPath(artifactsRoot), Device = device, ShareDevice = shareDevice }, protocol);
            var experiments = ExperimentHost.Discover(Path.GetFullPath(assemblyPath));
            return planOnly ? host.Plan(experiments, only) : host.Run(experiments, only, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.Token.IsCancellationRequested)
        {
            protocol.Info("cancelled; the last checkpoint is kept and the next build resumes from it");
            return Cancelled;
        }
        catch (Exception e) when (ErrorReport.IsUserError(e) || e is IOException or InvalidOperationException or ArgumentException or FileNotFoundException
                                  or Lora.Runtime.Data.DatasetException)
        {
            protocol.Error(e.Message, ErrorLocation.Of(e));
            return CliApp.Failure;
        }
    }
}
