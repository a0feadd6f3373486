using System.CommandLine;
using Lora.Cli.Arguments;
using Lora.Cli.Loading;
using Lora.Runtime.Export.Gguf;
using Lora.Runtime.Native;
using static TorchSharp.torch;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora export gguf --model DIR [--adapter DIR] --out FILE [--type f32|f16|bf16|q8_0] [--overwrite]</c>: a model (with an
/// adapter, merged first) as one GGUF file for llama.cpp, Ollama and LM Studio; <c>lora export gguf-adapter --adapter DIR
/// --model DIR --out FILE</c>: the adapter alone in llama.cpp's LoRA format, applied over the base model's GGUF at run time.
/// </summary>
public static class GgufExportCommand
{
    static Option<string> Out() => new("--out")
    {
        Description = "The .gguf file to write; it is written beside it first and appears complete or not at all.",
        HelpName = "FILE",
        Required = true,
    };

    static Option<bool> Overwrite() => new("--overwrite") { Description = "Replace --out when it already exists." };

    public static Command Model()
    {
        var model = CliOptions.ModelFolder();
        var adapter = CliOptions.AdapterFolder(required: false);
        var output = Out();
        var type = new Option<string>("--type")
        {
            Description = "Element type of the weight matrices: f32, f16, bf16 or q8_0 (norms and biases stay f32).",
            HelpName = "f32|f16|bf16|q8_0",
            DefaultValueFactory = _ => "f16",
        };
        type.AcceptOnlyFromAmong("f32", "f16", "bf16", "q8_0");
        var overwrite = Overwrite();
        var command = new Command("gguf", "Write a model as one GGUF file (merged with --adapter) for llama.cpp, Ollama and LM Studio.")
        {
            model, adapter, output, type, overwrite,
        };
        command.SetAction(parse => RunModel(parse.GetRequiredValue(model), parse.GetValue(adapter), parse.GetRequiredValue(output),
            GgmlTypes.Parse(parse.GetRequiredValue(type))!.Value, parse.GetValue(overwrite), parse.InvocationConfiguration.Output));
        return command;
    }

    public static Command Adapter()
    {
        var model = CliOptions.ModelFolder();
        var adapter = CliOptions.AdapterFolder(required: true);
        var output = Out();
        var overwrite = Overwrite();
        var command = new Command("gguf-adapter", "Write a LoRA adapter in llama.cpp's GGUF adapter format (applied over the base model's GGUF with --lora).")
        {
            model, adapter, output, overwrite,
        };
        command.SetAction(parse => RunAdapter(parse.GetRequiredValue(model), parse.GetRequiredValue(adapter), parse.GetRequiredValue(output),
            parse.GetValue(overwrite), parse.InvocationConfiguration.Output));
        return command;
    }

    static int RunModel(string modelFolder, string? adapterFolder, string output, GgufType type, bool overwrite, TextWriter stdout)
    {
        OutputPaths.CheckFile(output, overwrite, new("--model", modelFolder), new("--adapter", adapterFolder));
        TorchNative.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = ModelLoading.Load(modelFolder, adapterFolder, ScalarType.Float32, merge: true);
        // An adapter trained with a chat template of its own (the default one, for a base without any) carries it.
        string? template = adapterFolder is null ? null : ChatTemplateText.Read(adapterFolder);
        GgufExporter.Export(model, modelFolder, output, type, template);
        stdout.WriteLine($"Wrote {GgmlTypes.NameOf(type)} GGUF of {modelFolder}{(adapterFolder is null ? "" : $" merged with {adapterFolder}")} to {output}");
        return CliApp.Success;
    }

    static int RunAdapter(string modelFolder, string adapterFolder, string output, bool overwrite, TextWriter stdout)
    {
        OutputPaths.CheckFile(output, overwrite, new("--model", modelFolder), new("--adapter", adapterFolder));
        TorchNative.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = ModelLoading.Load(modelFolder, adapterFolder, ScalarType.Float32, merge: false);
        GgufAdapterExporter.Export(model, ModelLoading.AdapterName, output);
        stdout.WriteLine($"Wrote the GGUF LoRA adapter of {adapterFolder} (over {modelFolder}) to {output}");
        return CliApp.Success;
    }
}
