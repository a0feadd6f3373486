using System.CommandLine;
using System.CommandLine.Parsing;
using Lora.Cli.Arguments;
using Lora.Cli.Batches;
using Lora.Cli.Loading;
using Lora.Runtime.Native;
using Lora.Cli.Output;
using Lora.Runtime.Generation;
using Lora.Runtime.Models;
using Lora.Runtime.Tokenization;
using static TorchSharp.torch;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora generate --model DIR [--adapter DIR] (--ids "1,2,3;4,5" | --prompt TEXT…) --max-new-tokens N
/// [--temperature T] [--top-k K] [--top-p P] [--seed S] [--dtype fp32|bf16]</c>: greedy decoding, or sampling
/// when any of the sampling options is given. Prints, per row, the whole id sequence (prompt + new tokens)
/// as a JSON array and, when the model folder has a tokenizer, a line <c>{"text": "…"}</c> (see <see cref="GenerationLines"/>).
/// </summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var model = CliOptions.ModelFolder();
        var adapter = CliOptions.AdapterFolder(required: false);
        var ids = CliOptions.TokenIds("Prompt token ids; ';' separates the rows of a batch, which may differ in length (they are left-padded).");
        var prompt = new Option<string[]>("--prompt")
        {
            Description = "Prompt text, encoded with the model folder's tokenizer; repeat the option for a batch. Use instead of --ids.",
            HelpName = "TEXT",
        };
        var maxNewTokens = new Option<int>("--max-new-tokens")
        {
            Description = "How many tokens to generate at most; a row ends early at an EOS id of config.json.",
            HelpName = "N",
            Required = true,
        };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature (> 0); sampling, default 1.", HelpName = "T" };
        var topK = CliOptions.TopK();
        var topP = CliOptions.TopP();
        var seed = CliOptions.SamplingSeed();
        var dtype = DTypeOption.Create("Compute dtype of the base weights.", "fp32", "bf16");
        var device = CliOptions.Device();

        var command = new Command("generate",
            "Generate tokens after a prompt: greedy, or sampled when --temperature, --top-k, --top-p or --seed is given. " +
            "Prints per row a JSON array of all ids, then {\"text\": …} when the model folder has a tokenizer.")
        {
            model, adapter, ids, prompt, maxNewTokens, temperature, topK, topP, seed, dtype, device,
        };
        command.Validators.Add(result => Validate(result, ids, prompt, maxNewTokens, temperature, topK, topP));
        command.SetAction(parse =>
        {
            var sampling = new SamplingOptions
            {
                MaxNewTokens = parse.GetValue(maxNewTokens),
                DoSample = parse.GetValue(temperature) is not null || parse.GetValue(topK) is not null
                           || parse.GetValue(topP) is not null || parse.GetValue(seed) is not null,
                Temperature = parse.GetValue(temperature) ?? 1.0,
                TopK = parse.GetValue(topK) ?? 0,
                TopP = parse.GetValue(topP) ?? 1.0,
                Seed = parse.GetValue(seed),
            };
            return Run(parse.GetRequiredValue(model), parse.GetValue(adapter), parse.GetValue(ids), parse.GetResult(prompt) is null ? null : parse.GetValue(prompt),
                       sampling, DTypeOption.ToScalarType(parse.GetRequiredValue(dtype)), parse.GetRequiredValue(device), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error);
        });
        return command;
    }

    private static void Validate(CommandResult result, Option<IntegerRows?> ids, Option<string[]> prompt, Option<int> maxNewTokens,
                                 Option<double?> temperature, Option<int?> topK, Option<double?> topP)
    {
        bool hasIds = result.GetResult(ids) is not null, hasPrompt = result.GetResult(prompt) is not null;
        if (hasIds == hasPrompt)
            result.AddError(hasIds ? "Give either --ids or --prompt, not both." : "Give the prompt as token ids (--ids \"1,2,3\") or as text (--prompt \"…\").");
        if (ParsedValue.Of(result, maxNewTokens) < 0)
            result.AddError($"--max-new-tokens is {ParsedValue.Of(result, maxNewTokens)}; it must be 0 or more.");
        if (ParsedValue.Of(result, temperature) is double t && t <= 0)
            result.AddError($"--temperature is {t}; it must be greater than 0.");
        CliOptions.ValidateSampling(result, topK, topP);
    }

    private static int Run(string modelFolder, string? adapterFolder, IntegerRows? ids, string[]? prompts, SamplingOptions sampling,
                           ScalarType dtype, string device, TextWriter stdout, TextWriter stderr)
    {
        var tokenizer = prompts is null ? TokenizerForOutput(modelFolder, stderr) : TokenizerForPrompt(modelFolder);
        var rows = prompts is null ? ids! : Encode(prompts, tokenizer!);

        // Before any TorchSharp call: TorchSharp's own loader fails on older libstdc++ and blames the wrong cause.
        TorchNative.EnsureLoaded();
        using var scope = NewDisposeScope();
        using var model = ModelLoading.Load(modelFolder, adapterFolder, dtype, merge: false, device);
        TokenBatch.EnsureInVocabulary(rows, model.Config.VocabSize, prompts is null ? "--ids" : "--prompt");

        var (input, mask) = TokenBatch.LeftPadded(rows, PadId(model.Config, tokenizer));
        var output = TextGenerator.Generate(model, input, mask, sampling).cpu();         // (B, T + new)
        var sequences = GeneratedSequences.Split(output.data<long>().ToArray(), (int)output.shape[1], rows.LongestRow,
                                                 rows.Rows.Select(r => r.Length).ToList(), model.Config.EosTokenIds.ToList());
        foreach (var sequence in sequences)
        {
            GenerationLines.WriteIds(stdout, sequence);
            if (tokenizer is not null && Decode(tokenizer, sequence, stderr) is { } text) GenerationLines.WriteText(stdout, text);
        }
        return CliApp.Success;
    }

    private static ModelTokenizer TokenizerForPrompt(string modelFolder) =>
        ModelTokenizer.LoadIfPresent(modelFolder) ?? throw new CommandInputException(
            $"--prompt needs a tokenizer, but {modelFolder} has none ({string.Join(", ", ModelTokenizer.TokenizerFiles)}); give token ids with --ids instead.");

    // With --ids the text is an extra: a broken tokenizer must not cost the user the ids.
    private static ModelTokenizer? TokenizerForOutput(string modelFolder, TextWriter stderr)
    {
        try
        {
            return ModelTokenizer.LoadIfPresent(modelFolder);
        }
        catch (TokenizerLoadException e)
        {
            stderr.WriteLine($"lora: warning: printing ids only: {e.Message}");
            return null;
        }
    }

    private static IntegerRows Encode(string[] prompts, ModelTokenizer tokenizer)
    {
        var rows = prompts.Select(p => tokenizer.Encode(p, tokenizer.AddsBos).Select(id => (long)id).ToArray()).ToList();
        return IntegerRows.FromRows(rows, r => $"--prompt {r + 1} (\"{prompts[r]}\")");
    }

    private static string? Decode(ModelTokenizer tokenizer, long[] sequence, TextWriter stderr)
    {
        try
        {
            return tokenizer.Decode(sequence.Select(id => (int)id));
        }
        catch (ArgumentOutOfRangeException e)
        {
            // A model's vocab_size is often padded past the tokenizer's ids; such ids have no text.
            stderr.WriteLine($"lora: warning: no text for this sequence: {e.Message}");
            return null;
        }
    }

    // Padding positions are masked out, so any id in the vocabulary works; prefer the model's own pad id.
    private static long PadId(ModelConfig config, ModelTokenizer? tokenizer) =>
        config.PadTokenId ?? tokenizer?.PadId ?? (config.EosTokenIds.Count > 0 ? config.EosTokenIds[0] : 0);
}
