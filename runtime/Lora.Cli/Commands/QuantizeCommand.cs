using System.CommandLine;
using Lora.Cli.Arguments;
using Lora.Runtime.Merge;
using Lora.Runtime.Models;
using Lora.Runtime.Native;
using Lora.Runtime.Quantization;
using static TorchSharp.torch;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora quantize --model DIR --type nf4|fp4 [--double-quant] --out DIR [--dtype fp32|bf16|fp16]</c>: writes a
/// bitsandbytes-layout 4-bit model folder ("bnb-4bit") that transformers loads and that QLoRA training starts from.
/// </summary>
public static class QuantizeCommand
{
    public static Command Create()
    {
        var model = CliOptions.ModelFolder();
        var type = new Option<string>("--type") { Description = "4-bit data type.", DefaultValueFactory = _ => "nf4", HelpName = "nf4|fp4" };
        type.AcceptOnlyFromAmong("nf4", "fp4");
        var doubleQuant = new Option<bool>("--double-quant") { Description = "Quantize the block scales again (8-bit, blocks of 256): about 0.37 bits per weight less." };
        var output = new Option<string>("--out") { Description = "The 4-bit model folder to write (atomically).", HelpName = "DIR", Required = true };
        var dtype = DTypeOption.Create("Dtype of the weights that stay full precision (embeddings, norms, LM head) and the compute dtype recorded.", "fp32", "bf16", "fp16");
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace --out when it already exists and is not empty." };
        var command = new Command("quantize", "Quantize a model's projections to 4 bits in the bitsandbytes layout.") { model, type, doubleQuant, output, dtype, overwrite };
        command.SetAction(parse =>
        {
            string source = parse.GetRequiredValue(model), target = parse.GetRequiredValue(output);
            OutputPaths.CheckFolder(target, parse.GetValue(overwrite), new OutputPaths.Input("--model", source));
            TorchNative.EnsureLoaded();
            var options = new QuantizationOptions(parse.GetRequiredValue(type) == "fp4" ? Lora.QuantType.FP4 : Lora.QuantType.NF4, parse.GetValue(doubleQuant));
            var saved = DTypeOption.ToScalarType(parse.GetRequiredValue(dtype));
            using var scope = NewDisposeScope();
            using var quantized = ModelLoader.Load(source, ScalarType.Float32, options);
            HfModelWriter.Save(quantized, target, saved, sourceFolder: source);
            var layers = quantized.Projections().Where(p => p.Layer.Quantized is not null).Select(p => p.Layer.Quantized!).ToList();
            double bits = layers.Sum(q => (double)q.StorageBytes) * 8 / layers.Sum(q => (double)q.NumElements);
            parse.InvocationConfiguration.Output.WriteLine(
                $"Quantized {layers.Count} projections of {source} to {options.Type} ({bits:0.###} bits per weight{(options.DoubleQuant ? ", double-quantized scales" : "")}); wrote {target}");
            return CliApp.Success;
        });
        return command;
    }
}
