using System.CommandLine;
using Lora.Cli.Arguments;
using Lora.Cli.Inspection;
using Lora.Runtime.Peft;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora inspect PATH</c>: summarises a model folder (config.json), an adapter folder (adapter_config.json)
/// or one .safetensors file. Reads headers and configs only, so it is quick on large models.
/// </summary>
public static class InspectCommand
{
    public static Command Create()
    {
        var path = new Argument<string>("PATH")
        {
            Description = "A Hugging Face model folder, a PEFT adapter folder or a .safetensors file; or a model id ORG/NAME[@REVISION] in the Hugging Face cache.",
            CustomParser = result => ModelReference.Parse(result, "inspect"),
        };
        var command = new Command("inspect", "Summarise a model folder, an adapter folder or a .safetensors file.") { path };
        command.SetAction(parse => Run(parse.GetRequiredValue(path), parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string path, TextWriter stdout)
    {
        if (File.Exists(path) && path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            SafetensorsFileSummary.Write(path, stdout);
        else if (File.Exists(Path.Combine(path, PeftAdapterConfig.FileName)))
            AdapterFolderSummary.Write(path, stdout);
        else if (File.Exists(Path.Combine(path, ModelFolderSummary.ConfigFileName)))
            ModelFolderSummary.Write(path, stdout);
        else
            throw new CommandInputException(Directory.Exists(path) || File.Exists(path)
                ? $"{path}: not something lora inspects; expected a model folder (with {ModelFolderSummary.ConfigFileName}), " +
                  $"an adapter folder (with {PeftAdapterConfig.FileName}) or a .safetensors file."
                : $"{path}: no such file or folder.");
        return CliApp.Success;
    }
}
