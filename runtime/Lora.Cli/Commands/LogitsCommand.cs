using System.CommandLine;
using System.CommandLine.Parsing;
using Lora.Cli.Arguments;
using Lora.Cli.Batches;
using Lora.Cli.Loading;
using Lora.Runtime.Native;
using Lora.Runtime.Tensors;
using static TorchSharp.torch;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora logits --model DIR [--adapter DIR] [--merge] --ids "1,2,3;4,5,6" [--mask "0,1,1;1,1,1"] [--dtype fp32|bf16] --out FILE</c>:
/// one forward pass, saved as a safetensors file holding the float32 tensor <c>logits</c> [batch, seq, vocab].
/// </summary>
public static class LogitsCommand
{
    public const string TensorName = "logits";

    public static Command Create()
    {
        var model = CliOptions.ModelFolder();
        var adapter = CliOptions.AdapterFolder(required: false);
        var merge = new Option<bool>("--merge")
        {
            Description = "Merge the adapter into the base weights first (W + scale·B·A, as PEFT's merge_and_unload) instead of running it beside them.",
        };
        var ids = CliOptions.TokenIds("Token ids; ';' separates the rows of a batch, which must have equal length.");
        ids.Required = true;
        var mask = CliOptions.AttentionMask();
        var dtype = DTypeOption.Create("Compute dtype of the base weights; the logits are saved as float32 either way.", "fp32", "bf16");
        var device = CliOptions.Device();
        var output = new Option<string>("--out")
        {
            Description = $"The safetensors file to write, holding one float32 tensor '{TensorName}' [batch, seq, vocab].",
            HelpName = "FILE",
            Required = true,
        };

        var overwrite = new Option<bool>("--overwrite") { Description = "Replace --out when it already exists." };
        var command = new Command("logits", "Run one forward pass and save the logits as a safetensors file.")
        {
            model, adapter, merge, ids, mask, dtype, device, output, overwrite,
        };
        command.Validators.Add(result => Validate(result, ids, mask, adapter, merge));
        command.SetAction(parse => Run(
            parse.GetRequiredValue(model), parse.GetValue(adapter), parse.GetValue(merge), parse.GetRequiredValue(ids)!,
            parse.GetValue(mask), DTypeOption.ToScalarType(parse.GetRequiredValue(dtype)), parse.GetRequiredValue(device), parse.GetRequiredValue(output), parse.GetValue(overwrite), parse.InvocationConfiguration.Output));
        return command;
    }

    private static void Validate(CommandResult result, Option<IntegerRows?> idsOption, Option<IntegerRows?> maskOption, Option<string> adapter, Option<bool> merge)
    {
        if (ParsedValue.Of(result, merge) && ParsedValue.Of(result, adapter) is null)
            result.AddError("--merge needs --adapter: there is no adapter to merge.");
        if (ParsedValue.Of(result, idsOption) is not { } ids) return;
        if (ids.FirstRowOfOtherLength is int other)
        {
            result.AddError($"--ids: row {other + 1} has {ids.Rows[other].Length} ids but row 1 has {ids.Rows[0].Length}; " +
                            "logits needs rows of equal length (pad the shorter rows and mark the padding with --mask).");
            return;
        }
        if (ParsedValue.Of(result, maskOption) is not { } mask) return;
        if (mask.Count != ids.Count)
        {
            result.AddError($"--mask has {mask.Count} row(s) but --ids has {ids.Count}; give one mask row per row of ids.");
            return;
        }
        for (int r = 0; r < ids.Count; r++)
        {
            if (mask.Rows[r].Length != ids.Rows[r].Length)
            {
                result.AddError($"--mask: row {r + 1} has {mask.Rows[r].Length} values but row {r + 1} of --ids has {ids.Rows[r].Length}; give one mask value per id.");
                return;
            }
        }
    }

    private static int Run(string modelFolder, string? adapterFolder, bool merge, IntegerRows ids, IntegerRows? mask, ScalarType dtype, string device, string outputFile, bool overwrite, TextWriter stdout)
    {
        OutputPaths.CheckFile(outputFile, overwrite, new("--model", modelFolder), new("--adapter", adapterFolder));
        // Before any TorchSharp call: TorchSharp's own loader fails on older libstdc++ and blames the wrong cause.
        TorchNative.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = ModelLoading.Load(modelFolder, adapterFolder, dtype, merge, device);
        TokenBatch.EnsureInVocabulary(ids, model.Config.VocabSize, "--ids");
        Tensor logits;
        using (no_grad())
        {
            var maskTensor = mask is null ? null : TokenBatch.Rectangular(mask).to(model.Device);
            logits = model.Forward(TokenBatch.Rectangular(ids).to(model.Device), maskTensor).to_type(ScalarType.Float32);   // (B, T, V)
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(outputFile))!;
        Directory.CreateDirectory(folder);
        TensorFiles.Write(outputFile, [(TensorName, logits)], new Dictionary<string, string> { ["format"] = "pt" });
        stdout.WriteLine($"Wrote {TensorName} [{string.Join(", ", logits.shape)}] float32 to {outputFile}");
        return CliApp.Success;
    }
}
