using System.CommandLine;
using System.CommandLine.Parsing;
using Lora.Cli.Arguments;
using Lora.Cli.Loading;
using Lora.Runtime.Native;
using Lora.Runtime.Merge;
using static TorchSharp.torch;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora merge --model DIR --adapter DIR --out DIR [--dtype fp32|bf16|fp16] [--overwrite]</c>: folds the adapter
/// into the base weights and saves a Hugging Face model folder (config.json, model.safetensors, and the
/// generation and tokenizer files of the base folder) that transformers loads without PEFT.
/// </summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var model = CliOptions.ModelFolder();
        var adapter = CliOptions.AdapterFolder(required: true);
        var output = new Option<string>("--out")
        {
            Description = "The model folder to write; it is written beside it first and appears complete or not at all.",
            HelpName = "DIR",
            Required = true,
        };
        var dtype = DTypeOption.Create("Dtype of the saved weights (the merge itself runs in float32).", "fp32", "bf16", "fp16");
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace --out when it already exists and is not empty." };
        var device = CliOptions.Device();

        var command = new Command("merge", "Merge a LoRA adapter into its base model and save the result as a Hugging Face model folder.")
        {
            model, adapter, output, dtype, overwrite, device,
        };
        command.SetAction(parse => Run(
            parse.GetRequiredValue(model), parse.GetRequiredValue(adapter), parse.GetRequiredValue(output),
            DTypeOption.ToScalarType(parse.GetRequiredValue(dtype)), parse.GetValue(overwrite), parse.GetRequiredValue(device),
            parse.InvocationConfiguration.Output));
        return command;
    }

    private static int Run(string modelFolder, string adapterFolder, string outputFolder, ScalarType dtype, bool overwrite, string device, TextWriter stdout)
    {
        OutputPaths.CheckFolder(outputFolder, overwrite, new("--model", modelFolder), new("--adapter", adapterFolder));

        // Before any TorchSharp call: TorchSharp's own loader fails on older libstdc++ and blames the wrong cause.
        TorchNative.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = ModelLoading.Load(modelFolder, adapterFolder, ScalarType.Float32, merge: true, device);
        HfModelWriter.Save(model, outputFolder, dtype, sourceFolder: modelFolder);
        stdout.WriteLine($"Merged {adapterFolder} into {modelFolder}; wrote {DTypeOption.NameOf(dtype)} weights to {outputFolder}");
        return CliApp.Success;
    }
}
