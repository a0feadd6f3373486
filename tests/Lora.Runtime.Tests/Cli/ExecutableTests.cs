using System.Diagnostics;
using Lora.Runtime.Tests.Parity;

namespace Lora.Runtime.Tests.Cli;

/// <summary>The built <c>lora</c> program itself, run as a separate process: its entry point, natives and exit codes.</summary>
public class ExecutableTests
{
    [Fact]
    public void The_lora_program_generates_the_transformers_greedy_ids()
    {
        var fx = new PeftFixture("tiny-gpt2");
        var (exitCode, stdout, stderr) = RunLora("generate", "--model", fx.BaseDir, "--adapter", fx.AdapterDir,
                                                 "--ids", CliText.Prefix(fx["input_ids"], 0, 5), "--max-new-tokens", "10");
        Assert.True(exitCode == 0, $"lora exited {exitCode}: {stderr}");
        Assert.Equal(fx["greedy_ids"].data<long>().ToArray(), CliText.Ids(stdout.Trim()));

        var (badExit, _, badStderr) = RunLora("generate", "--model", fx.BaseDir, "--ids", "1,x", "--max-new-tokens", "1");
        Assert.NotEqual(0, badExit);
        Assert.Contains("'x', which is not an integer", badStderr);
    }

    [Fact]
    public void The_lora_program_compiles_every_method_fully_on_first_call()
    {
        // Tiered compilation recompiles hot methods partway through a training run, which raised resident memory
        // between QLoRA steps by ~6 MiB (Lora.Cli.csproj); the built program's runtimeconfig must turn it off.
        var (program, dll) = LoraProgram();
        string config = Path.Combine(Path.GetDirectoryName(dll ?? program)!, "lora.runtimeconfig.json");
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(config));
        var options = json.RootElement.GetProperty("runtimeOptions");
        Assert.True(options.TryGetProperty("configProperties", out var properties), $"{config} has no configProperties");
        Assert.True(properties.TryGetProperty("System.Runtime.TieredCompilation", out var tiered), $"{config} does not set System.Runtime.TieredCompilation");
        Assert.False(tiered.GetBoolean());
    }

    [Fact]
    public void The_lora_program_prints_a_chat_template_rendering_as_utf8_bytes_whatever_the_locale()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("tokenizer_config.json"), """{"bos_token": "<s>"}""");
        File.WriteAllText(folder.File("chat_template.jinja"),
            "{{ bos_token }}{% for m in messages %}{% if m.role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}" +
            "[{{ m.role }}] {{ m.content }}\n{% endfor %}{% if add_generation_prompt %}[assistant]{% endif %}");
        // From standard input (--messages -), as a Chat dataset row; a Latin-1 locale must not change the bytes.
        var latin1 = new Dictionary<string, string> { ["LC_ALL"] = "en_US.ISO-8859-1", ["LANG"] = "en_US.ISO-8859-1" };

        var (exitCode, stdout, stderr) = RunLoraBytes("""{"messages": [{"role": "user", "content": "Grüße 🙂\r\nok"}]}""", latin1,
            "chat-template", "--model", folder.Path, "--messages", "-", "--add-generation-prompt");

        Assert.True(exitCode == 0, $"lora exited {exitCode}: {stderr}");
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes("<s>[user] Grüße 🙂\r\nok\n[assistant]"), stdout);

        var (raisedExit, raisedStdout, raisedStderr) = RunLoraBytes("""[{"role": "system", "content": "S"}]""", null,
            "chat-template", "--model", folder.Path, "--messages", "-");
        Assert.Equal(3, raisedExit);
        Assert.Empty(raisedStdout);
        Assert.Equal("lora: chat template: System role not supported", raisedStderr.TrimEnd());
    }

    private static (int ExitCode, string Stdout, string Stderr) RunLora(params string[] args)
    {
        var (exitCode, stdout, stderr) = RunLoraBytes(null, null, args);
        return (exitCode, System.Text.Encoding.UTF8.GetString(stdout), stderr);
    }

    /// <summary>Runs the program with <paramref name="stdin"/> on its standard input (none when null) and extra environment variables;
    /// returns standard output as the bytes written.</summary>
    private static (int ExitCode, byte[] Stdout, string Stderr) RunLoraBytes(string? stdin, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var (program, dll) = LoraProgram();
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        if (dll is not null) start.ArgumentList.Add(dll);
        // The launcher finds .NET through DOTNET_ROOT when it is installed somewhere unusual: point it at the runtime running these tests.
        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_ROOT")))
            start.Environment["DOTNET_ROOT"] = DotnetRoot();
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var stdout = new MemoryStream();
        var copying = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            var bytes = new System.Text.UTF8Encoding(false).GetBytes(stdin);
            process.StandardInput.BaseStream.Write(bytes);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("lora did not finish within 60 s");
        }
        copying.Wait();
        return (process.ExitCode, stdout.ToArray(), stderr.Result);
    }

    /// <summary>The .NET installation folder: the runtime directory is &lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/.</summary>
    internal static string DotnetRoot() =>
        Path.GetFullPath(Path.Combine(System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));

    /// <summary>
    /// The program as its own project built it (runtime/Lora.Cli/bin/&lt;configuration&gt;/&lt;tfm&gt;, the same configuration as
    /// these tests): the native launcher <c>lora</c> when there is one, else <c>dotnet lora.dll</c>.
    /// </summary>
    internal static (string Program, string? Dll) LoraProgram()
    {
        var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string configuration = testBin.Parent?.Name ?? "Debug";
        string folder = Path.Combine(RepoPaths.RepoRoot, "runtime", "Lora.Cli", "bin", configuration, testBin.Name);
        string launcher = Path.Combine(folder, OperatingSystem.IsWindows() ? "lora.exe" : "lora");
        if (File.Exists(launcher)) return (launcher, null);
        string dll = Path.Combine(folder, "lora.dll");
        Assert.True(File.Exists(dll), $"The built lora program was not found in {folder}; build runtime/Lora.Cli in the tests' configuration.");
        return ("dotnet", dll);
    }
}
