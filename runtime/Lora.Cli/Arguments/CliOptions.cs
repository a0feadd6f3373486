using System.CommandLine;
using System.CommandLine.Parsing;

namespace Lora.Cli.Arguments;

/// <summary>
/// Factories for the options several verbs share, so that each verb spells and documents them alike.
/// Each call returns a new option: a verb owns its options.
/// </summary>
public static class CliOptions
{
    /// <summary>A model folder, or a model id in the Hugging Face cache (<see cref="ModelReference"/>): the verb gets a folder.</summary>
    public static Option<string> ModelFolder() => new("--model")
    {
        Description = "Hugging Face model folder (config.json + model.safetensors or a sharded index), or a model id ORG/NAME[@REVISION] " +
                      "in the Hugging Face cache (lora pull fetches one).",
        HelpName = "DIR|ORG/NAME",
        Required = true,
        CustomParser = result => ModelReference.Parse(result, "--model"),
    };

    public static Option<string> AdapterFolder(bool required) => new("--adapter")
    {
        Description = "PEFT LoRA adapter folder (adapter_config.json + adapter_model.safetensors).",
        HelpName = "DIR",
        Required = required,
    };

    /// <summary>Where a verb computes; resolved (and a missing GPU reported) by <see cref="Lora.Runtime.Tensors.Devices.Resolve"/>.</summary>
    public static Option<string> Device() => new("--device")
    {
        Description = "cpu, cuda, cuda:N, or auto (the first GPU when CUDA is available, else the CPU).",
        HelpName = "DEVICE",
        DefaultValueFactory = _ => "cpu",
        Validators =
        {
            result =>
            {
                var value = result.GetValueOrDefault<string>();
                if (!Lora.Runtime.Tensors.Devices.IsName(value)) result.AddError($"--device '{value}': expected {Lora.Runtime.Tensors.Devices.Accepted}.");
            },
        },
    };

    /// <summary>Token ids, "1,2,3;4,5,6": rows are sequences of a batch.</summary>
    public static Option<IntegerRows?> TokenIds(string description) => new("--ids")
    {
        Description = description,
        HelpName = "\"1,2,3;4,5,6\"",
        CustomParser = result => ParseRows(result, "--ids", min: 0, max: long.MaxValue, "token ids are 0 or more"),
    };

    /// <summary>An attention mask in the same layout as --ids: 1 for a real token, 0 for padding.</summary>
    public static Option<IntegerRows?> AttentionMask() => new("--mask")
    {
        Description = "Attention mask, one value per id of --ids: 1 = real token, 0 = padding.",
        HelpName = "\"0,1,1;1,1,1\"",
        CustomParser = result => ParseRows(result, "--mask", min: 0, max: 1, "mask values are 0 or 1"),
    };

    private static IntegerRows? ParseRows(ArgumentResult result, string name, long min, long max, string rule)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Join(" ", result.Tokens.Select(t => t.Value));
        var rows = IntegerRows.TryParse(text, out var error);
        if (rows is null)
        {
            result.AddError($"{name}: {error}");
            return null;
        }
        if (rows.FirstOutside(min, max) is var (row, column, value))
        {
            result.AddError($"{name}: row {row + 1}, value {column + 1} is {value}; {rule}.");
            return null;
        }
        return rows;
    }

    /// <summary>--top-k K: sample among the K most likely tokens (<see cref="ValidateSampling"/> checks it).</summary>
    public static Option<int?> TopK() => new("--top-k") { Description = "Sample among the K most likely tokens (0 = all).", HelpName = "K" };

    /// <summary>--top-p P: nucleus sampling (<see cref="ValidateSampling"/> checks it).</summary>
    public static Option<double?> TopP() => new("--top-p") { Description = "Sample among the most likely tokens whose probabilities sum to P, in (0, 1].", HelpName = "P" };

    /// <summary>--seed S: repeatable sampling; giving it asks for sampling.</summary>
    public static Option<long?> SamplingSeed() => new("--seed") { Description = "Random seed, for repeatable sampling (implies sampling).", HelpName = "S" };

    /// <summary>Adds an error for a --top-k below 0 or a --top-p outside (0, 1].</summary>
    public static void ValidateSampling(CommandResult result, Option<int?> topK, Option<double?> topP)
    {
        if (ParsedValue.Of(result, topK) is int k && k < 0) result.AddError($"--top-k is {k}; it must be 0 (all tokens) or more.");
        if (ParsedValue.Of(result, topP) is double p && p is <= 0 or > 1) result.AddError($"--top-p is {p}; it must be in (0, 1].");
    }
}
