using System.Diagnostics;

namespace Lora.Sdk.Tests.Infrastructure;

/// <summary>
/// Runs the dotnet CLI the way a user would, with an environment cleaned of the MSBuild variables that the test
/// host inherits from `dotnet test` (they would point the child build at the wrong MSBuild).
/// </summary>
public static class DotNetCli
{
    static string Host => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static RunningCommand Start(string workingDirectory, IReadOnlyDictionary<string, string> environment, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(Host) { WorkingDirectory = workingDirectory };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        foreach (var key in info.Environment.Keys.ToList())
            if (key.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase))
                info.Environment.Remove(key);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        info.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return RunningCommand.Start(info);
    }

    public static CommandResult Run(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        using var command = Start(workingDirectory, environment, arguments);
        return command.WaitForExit(timeout);
    }
}
