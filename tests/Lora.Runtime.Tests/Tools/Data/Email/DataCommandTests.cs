using System.CommandLine;
using System.Security.Cryptography;
using Lora.Cli;
using Lora.Cli.Commands;
using Lora.Runtime.Tests.Cli;

namespace Lora.Runtime.Tests.Tools.Data.Email;

/// <summary><c>lora data spam-assassin</c>: writes the dataset atomically and reports what it wrote.</summary>
public sealed class DataCommandTests : IDisposable
{
    readonly TempFolder _temp = new();

    static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        var root = new Command("lora") { DataCommand.Create() };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = root.Parse(args).Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false });
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Spam_assassin_writes_the_jsonl_and_prints_counts_and_hashes()
    {
        string output = _temp.Child("data", "spam.jsonl");

        var run = Run("data", "spam-assassin", "--package", EmailTestData.Folder, "--out", output, "--max-chars", "100");

        Assert.True(run.ExitCode == 0, run.Stderr);
        var lines = File.ReadAllLines(output);
        Assert.Equal(4, lines.Length);
        Assert.Contains("Wrote 4 rows", run.Stdout);
        Assert.Contains("2 spam, 2 ham, bodies clipped to 100 characters", run.Stdout);
        Assert.Contains("input sha256:  ced808a51c18c8f7e7b7b8b7018214e50442baf219599e5872130019358ab726", run.Stdout);
        Assert.Contains($"output sha256: {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(output)))}", run.Stdout);
        Assert.Empty(Directory.GetFiles(_temp.Child("data"), "*.tmp-*"));
    }

    [Fact]
    public void A_folder_without_the_corpus_is_a_user_error_naming_it()
    {
        var package = _temp.Child("package");
        Directory.CreateDirectory(package);
        var error = Assert.Throws<CommandInputException>(() => Run("data", "spam-assassin", "--package", package, "--out", _temp.Child("x.jsonl")));

        Assert.Contains("easy-ham-1: no *.txt emails", error.Message);
        Assert.False(File.Exists(_temp.Child("x.jsonl")));
    }

    [Fact]
    public void The_dataset_is_never_written_into_the_package_and_replaces_a_file_only_with_overwrite()
    {
        var inside = Assert.Throws<CommandInputException>(() => Run("data", "spam-assassin", "--package", EmailTestData.Folder, "--out", Path.Combine(EmailTestData.Folder, "x.jsonl")));
        Assert.Contains("is inside the --package folder", inside.Message);
        Assert.False(File.Exists(Path.Combine(EmailTestData.Folder, "x.jsonl")));

        var output = _temp.WriteText("existing.jsonl", "{\"kept\": true}\n");
        var existing = Assert.Throws<CommandInputException>(() => Run("data", "spam-assassin", "--package", EmailTestData.Folder, "--out", output, "--max-chars", "100"));
        Assert.Contains("exists; pass --overwrite", existing.Message);
        Assert.Equal("{\"kept\": true}\n", File.ReadAllText(output));
        Run("data", "spam-assassin", "--package", EmailTestData.Folder, "--out", output, "--max-chars", "100", "--overwrite");
        Assert.NotEqual("{\"kept\": true}\n", File.ReadAllText(output));
    }

    [Theory]
    [InlineData("--max-chars", "0", "--max-chars must be at least 1.")]
    [InlineData("--per-label", "-3", "--per-label must be at least 1.")]
    public void Out_of_range_numbers_are_usage_errors(string option, string value, string message)
    {
        var run = Run("data", "spam-assassin", "--package", EmailTestData.Folder, "--out", _temp.Child("x.jsonl"), option, value);

        Assert.NotEqual(CliApp.Success, run.ExitCode);
        Assert.Contains(message, run.Stderr);
    }

    public void Dispose() => _temp.Dispose();
}
