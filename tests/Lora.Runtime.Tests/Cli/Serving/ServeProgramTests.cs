using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Lora.Runtime.Tests.Cli.Serving;

/// <summary>The built <c>lora</c> program serving as a process of its own: it stops cleanly on a termination signal.</summary>
public sealed class ServeProgramTests
{
    [Fact]
    public async Task The_lora_program_serves_until_SIGTERM_then_stops_and_exits_0()
    {
        var (program, dll) = ExecutableTests.LoraProgram();
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        if (dll is not null) start.ArgumentList.Add(dll);
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ROOT"))) start.Environment["DOTNET_ROOT"] = ExecutableTests.DotnetRoot();
        foreach (var arg in new[] { "serve", "--model", ServeFixture.ModelFolder, "--port", "0" }) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        try
        {
            var stderr = process.StandardError.ReadToEndAsync();
            string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2));
            var address = Regex.Match(line ?? "", @"listening on (http://\S+?) ");
            Assert.True(address.Success, $"lora serve printed no address: {line}\n{(process.HasExited ? await stderr : "")}");
            using (var http = new HttpClient())
                Assert.Contains("\"lora-tiny-en\"", await http.GetStringAsync(address.Groups[1].Value + "/v1/models"));

            Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
            Assert.True(process.ExitCode == 0, $"exit {process.ExitCode}: {await stderr}");
            Assert.Contains("lora serve: stopping.", await stderr);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}
