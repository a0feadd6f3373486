namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>How a finished command ended: exit code, everything it printed (stdout and stderr interleaved), wall time.</summary>
public sealed record CommandResult(string Command, int ExitCode, string Output, TimeSpan Elapsed)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>Fails the test, showing the output, unless the command exited 0.</summary>
    public CommandResult ShouldSucceed()
    {
        Assert.True(Succeeded, $"`{Command}` failed with exit code {ExitCode}:\n{Output}");
        return this;
    }

    /// <summary>Fails the test, showing the output, unless the command failed.</summary>
    public CommandResult ShouldFail()
    {
        Assert.False(Succeeded, $"`{Command}` was expected to fail but succeeded:\n{Output}");
        return this;
    }

    /// <summary>Asserts that the output contains every fragment (ordinal).</summary>
    public CommandResult ShouldSay(params string[] fragments)
    {
        foreach (var fragment in fragments)
            Assert.True(Output.Contains(fragment, StringComparison.Ordinal), $"`{Command}` output lacks \"{fragment}\":\n{Output}");
        return this;
    }

    /// <summary>Asserts that the output contains none of the fragments.</summary>
    public CommandResult ShouldNotSay(params string[] fragments)
    {
        foreach (var fragment in fragments)
            Assert.False(Output.Contains(fragment, StringComparison.Ordinal), $"`{Command}` output has \"{fragment}\":\n{Output}");
        return this;
    }
}
