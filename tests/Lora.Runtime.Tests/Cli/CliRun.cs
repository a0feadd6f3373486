using Lora.Cli;

namespace Lora.Runtime.Tests.Cli;

/// <summary>One in-process run of <c>lora</c>: its exit code and what it wrote.</summary>
internal sealed record CliRun(string[] Args, int ExitCode, string Stdout, string Stderr)
{
    public static CliRun Of(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = CliApp.Run(args, stdout, stderr);
        return new CliRun(args, exitCode, stdout.ToString(), stderr.ToString());
    }

    public IReadOnlyList<string> StdoutLines =>
        Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public CliRun AssertSucceeded()
    {
        Assert.True(ExitCode == 0, $"lora {string.Join(" ", Args)} exited {ExitCode}.\nstderr:\n{Stderr}\nstdout:\n{Stdout}");
        return this;
    }

    /// <summary>A failed run whose stderr contains <paramref name="problem"/>; returns the run for further checks.</summary>
    public CliRun AssertFailedWith(string problem)
    {
        Assert.True(ExitCode != 0, $"lora {string.Join(" ", Args)} succeeded but should have failed.\nstdout:\n{Stdout}");
        Assert.Contains(problem, Stderr);
        return this;
    }
}
