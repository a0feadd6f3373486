using System.CommandLine;
using Lora.Cli.Arguments;
using Lora.Cli.Chatting;
using Lora.Cli.Loading;
using Lora.Runtime.Chat;
using Lora.Runtime.Native;
using Microsoft.Extensions.AI;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora chat --model DIR|ORG/NAME [--adapter DIR] [--system TEXT] [--max-tokens N] [--temperature T] [--top-p P] [--top-k K]
/// [--seed S] [--dtype fp32|bf16] [--device D]</c>: an interactive chat in the terminal (<see cref="TerminalChat"/>) with the
/// model, through <see cref="LoraChatClient"/> (the model's chat template, streaming, the history). Exit 0 when the user ends it.
/// </summary>
public static class ChatCommand
{
    /// <param name="stdin">Where the user's lines come from: the console, or a reader in tests.</param>
    public static Command Create(TextReader stdin)
    {
        var model = CliOptions.ModelFolder();
        var adapter = CliOptions.AdapterFolder(required: false);
        var system = new Option<string?>("--system") { Description = "A system message that opens the conversation (and each one after /reset).", HelpName = "TEXT" };
        var maxTokens = new Option<int>("--max-tokens") { Description = "Most tokens a reply may have.", HelpName = "N", DefaultValueFactory = _ => 512 };
        var temperature = new Option<double?>("--temperature") { Description = "Sampling temperature; 0 or unset is greedy (unless --top-p, --top-k or --seed).", HelpName = "T" };
        var topP = CliOptions.TopP();
        var topK = CliOptions.TopK();
        var seed = CliOptions.SamplingSeed();
        var dtype = DTypeOption.Create("Compute dtype of the base weights.", "fp32", "bf16");
        var device = CliOptions.Device();

        var command = new Command("chat",
            "Chat with a model in the terminal: replies stream as they are generated, in the model's chat template, with the conversation's history. " +
            TerminalChat.Help)
        {
            model, adapter, system, maxTokens, temperature, topP, topK, seed, dtype, device,
        };
        command.Validators.Add(result =>
        {
            if (ParsedValue.Of(result, maxTokens) is var n && result.GetResult(maxTokens) is not null && n < 1) result.AddError($"--max-tokens is {n}; it must be 1 or more.");
            if (ParsedValue.Of(result, temperature) is double t && t < 0) result.AddError($"--temperature is {t}; it must be 0 (greedy) or more.");
            CliOptions.ValidateSampling(result, topK, topP);
        });
        command.SetAction(async (parse, cancellationToken) =>
        {
            var options = new ChatOptions
            {
                MaxOutputTokens = parse.GetRequiredValue(maxTokens),
                Temperature = (float?)parse.GetValue(temperature),
                TopP = (float?)parse.GetValue(topP),
                TopK = parse.GetValue(topK),
                Seed = parse.GetValue(seed),
            };
            string? adapterFolder = parse.GetValue(adapter);
            TorchNative.EnsureLoaded();
            using var client = new LoraChatClient(parse.GetRequiredValue(model),
                adapterFolder is null ? null : new Dictionary<string, string> { [ModelLoading.AdapterName] = adapterFolder },
                new LoraChatClientOptions { Device = parse.GetRequiredValue(device), DType = DTypeOption.ToScalarType(parse.GetRequiredValue(dtype)) });
            var notes = parse.InvocationConfiguration.Error;
            notes.WriteLine($"lora chat: {client.BaseModelId}{(adapterFolder is null ? "" : $" with the adapter {adapterFolder}")}. {TerminalChat.Help}");
            using var signals = new StopSignals(cancellationToken);
            await new TerminalChat(client, options, parse.GetValue(system), stdin, parse.InvocationConfiguration.Output, notes).RunAsync(signals.Token);
            return CliApp.Success;
        });
        return command;
    }
}
