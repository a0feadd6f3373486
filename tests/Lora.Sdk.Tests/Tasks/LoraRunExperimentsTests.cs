using Lora.Sdk.Tests.Infrastructure;

namespace Lora.Sdk.Tests.Tasks;

/// <summary>The LoraRunExperiments task against scripted runners: output, errors, exit codes, cancellation, timeouts.</summary>
public sealed class LoraRunExperimentsTests : IDisposable
{
    readonly string _folder = Path.Combine(Path.GetTempPath(), "lora-sdk-tests", "task-" + Guid.NewGuid().ToString("N")[..8]);

    public void Dispose() => TestFolders.Remove(_folder);

    [Fact]
    public void Progress_info_and_done_lines_become_high_importance_messages()
    {
        var (task, engine) = ScriptedRunner.Create("trains.sh", _folder);

        Assert.True(task.Execute());

        Assert.Empty(engine.Errors);
        Assert.Contains("spam-filter step 12/40 loss 1.234 lr 2.0e-04 1,234 tok/s ETA 0:42", engine.HighMessages);
        Assert.Contains("spam-filter: training (fingerprint 0123456789ab)", engine.HighMessages);
        Assert.Contains("spam-filter: artifacts in /tmp/a (1.0 s)", engine.HighMessages);
        Assert.Contains("spam-filter: Accuracy 0.9500 (AtLeast = 0.9): met", engine.HighMessages);
        Assert.Contains(engine.Messages, m => m.Message == "a plain line" && m.Importance == Microsoft.Build.Framework.MessageImportance.Normal);
    }

    [Fact]
    public void A_runner_error_is_error_LORA1001_with_the_runners_message_on_the_project()
    {
        var (task, engine) = ScriptedRunner.Create("fails.sh", _folder);

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("LORA1001", error.Code);
        Assert.Equal("/p/Demo.csproj", error.File);
        Assert.Equal("/p/data/train.jsonl:3: not valid JSON (bad {token}); each line must be one JSON object.", error.Message);
        Assert.EndsWith("/docs/diagnostics/LORA1001.md", error.HelpLink);
    }

    [Fact]
    public void A_runner_error_with_a_place_is_logged_there_under_the_code_the_runner_names()
    {
        var (task, engine) = ScriptedRunner.Create("fails-at-a-line.sh", _folder);

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal(("LORA1050", "/p/data/train.jsonl", 30, 12), (error.Code, error.File, error.LineNumber, error.ColumnNumber));
        Assert.Equal("/p/data/train.jsonl:30: not valid JSON (bad {token}); each line must be one JSON object.", error.Message);
        Assert.EndsWith("/docs/diagnostics/LORA1050.md", error.HelpLink);
    }

    [Fact]
    public void An_unmet_expectation_is_error_LORA1002_naming_metric_value_and_threshold()
    {
        var (task, engine) = ScriptedRunner.Create("misses-expectation.sh", _folder);

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("LORA1002", error.Code);
        Assert.Contains("[Expect(Metric.Accuracy, AtLeast = 0.9)] not met: Accuracy is 0.8500, below the threshold 0.9", error.Message);
        // At the attribute in the experiment's source, as the runner read it from the generated configuration.
        Assert.Equal(("/p/Experiment.cs", 14, 2), (error.File, error.LineNumber, error.ColumnNumber));
        Assert.EndsWith("/docs/diagnostics/LORA1002.md", error.HelpLink);
    }

    [Fact]
    public void A_crash_without_an_error_line_reports_the_exit_code_and_the_error_output()
    {
        var (task, engine) = ScriptedRunner.Create("crashes.sh", _folder);

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("LORA1006", error.Code);
        Assert.Contains("exit code 134", error.Message);
        Assert.Contains("System.AccessViolationException: boom", error.Message);
    }

    [Fact]
    public async Task Cancel_closes_the_runners_input_and_it_stops_cleanly_with_a_warning()
    {
        var (task, engine) = ScriptedRunner.Create("waits-for-stdin.sh", _folder);
        task.CancelGracePeriodSeconds = 60;

        var run = System.Threading.Tasks.Task.Run(task.Execute);
        Assert.True(SpinWait.SpinUntil(() => engine.HighMessages.Any(m => m.StartsWith("slow step 1/100", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)));
        task.Cancel();

        // Within the 60 s grace period, and without the kill that would add LORA1009 (the next test): stopped by its input.
        Assert.False(await run.WaitAsync(TimeSpan.FromSeconds(50)));
        Assert.Contains("cancelled; the last checkpoint is kept and the next build resumes from it", engine.HighMessages);
        Assert.Equal(["LORA1003"], engine.Warnings.Select(w => w.Code));
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public async Task Cancel_kills_a_runner_that_does_not_stop_within_the_grace_period()
    {
        var (task, engine) = ScriptedRunner.Create("ignores-stdin.sh", _folder);
        task.CancelGracePeriodSeconds = 1;

        var run = System.Threading.Tasks.Task.Run(task.Execute);
        Assert.True(SpinWait.SpinUntil(() => engine.HighMessages.Any(m => m.StartsWith("stuck step 1/100", StringComparison.Ordinal)), TimeSpan.FromSeconds(30)));
        task.Cancel();

        Assert.False(await run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(["LORA1009", "LORA1003"], engine.Warnings.Select(w => w.Code));
    }

    [Fact]
    public void A_runner_past_its_timeout_is_stopped_and_fails_the_build()
    {
        var (task, engine) = ScriptedRunner.Create("waits-for-stdin.sh", _folder);
        task.TimeoutSeconds = 1;

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("LORA1007", error.Code);
        Assert.Contains("LoraRunnerTimeout (1 s)", error.Message);
    }

    [Fact]
    public void An_artifacts_folder_that_cannot_be_written_fails_before_the_runner_starts()
    {
        var (task, engine) = ScriptedRunner.Create("prints-arguments.sh", _folder);
        var blocker = Path.Combine(_folder, "a-file");
        File.WriteAllText(blocker, "");
        task.ArtifactsDirectory = Path.Combine(blocker, "lora");

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("LORA1005", error.Code);
        Assert.Contains(task.ArtifactsDirectory, error.Message);
        Assert.DoesNotContain(engine.Messages, m => m.Message!.StartsWith("arg:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_missing_runner_and_an_unknown_device_are_reported_before_starting()
    {
        var (task, engine) = ScriptedRunner.Create("prints-arguments.sh", _folder);
        task.RunnerPath = Path.Combine(_folder, "missing", "lora.dll");
        task.Device = "gpu";

        Assert.False(task.Execute());

        Assert.Equal(["LORA1008", "LORA1004"], engine.Errors.Select(e => e.Code));
        Assert.Contains("'gpu'", engine.Errors[0].Message);
        Assert.Contains("Lora.Cli", engine.Errors[1].Message);
    }

    [Fact]
    public void The_runner_is_started_without_tiered_compilation_unless_the_environment_says_otherwise()
    {
        // It runs under the project's runtimeconfig, so lora's own TieredCompilation=false has to come through the
        // environment (RunnerCommand); a value already in the build's environment is passed on unchanged.
        var (task, engine) = ScriptedRunner.Create("prints-environment.sh", _folder);

        Assert.True(task.Execute());

        string expected = Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") ?? "0";
        Assert.Contains($"env: DOTNET_TieredCompilation={expected}", engine.Messages.Select(m => m.Message));
    }

    [Fact]
    public void The_runner_runs_against_the_projects_runtimeconfig_and_deps_file()
    {
        var (task, engine) = ScriptedRunner.Create("prints-arguments.sh", _folder);
        task.RuntimeConfigPath = "/p/bin/Demo.runtimeconfig.json";
        task.DepsFilePath = "/p/bin/Demo.deps.json";
        task.Device = "auto";
        task.Experiments = ["spam-filter", " ", "sweep/rank-4"];

        Assert.True(task.Execute());

        string[] expected =
        [
            "exec", "--runtimeconfig", "/p/bin/Demo.runtimeconfig.json", "--depsfile", "/p/bin/Demo.deps.json", task.RunnerPath,
            "experiment", "run", "--assembly", task.AssemblyPath, "--artifacts", task.ArtifactsDirectory, "--device", "auto",
            "--cancel-on-stdin-close", "--experiment", "spam-filter", "--experiment", "sweep/rank-4",
        ];
        Assert.Equal(expected, engine.Messages.Select(m => m.Message!).Where(m => m.StartsWith("arg: ", StringComparison.Ordinal)).Select(m => m[5..]));
    }
}
