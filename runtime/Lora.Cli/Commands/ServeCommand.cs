using System.CommandLine;
using System.CommandLine.Parsing;
using System.Net;
using Lora.Cli.Arguments;
using Lora.Cli.Serving;
using Lora.Runtime.Chat;
using Lora.Runtime.Native;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora serve --model DIR [--adapter NAME=DIR …] [--host 127.0.0.1] [--port 8000] [--max-tokens N] [--max-body-bytes B]
/// [--max-concurrent-requests N] [--dtype fp32|bf16] [--device D]</c>: an OpenAI-compatible HTTP endpoint
/// (<see cref="OpenAiServer"/>) over one base model and any number of adapters, selected per request by <c>model</c>.
/// Prints the address once it listens; Ctrl+C stops it (exit 0).
/// </summary>
public static class ServeCommand
{
    /// <summary>The port when none is given: what OpenAI-compatible local servers (vLLM) commonly use.</summary>
    public const int DefaultPort = 8000;

    public static Command Create()
    {
        var defaults = new ServeLimits();
        var model = CliOptions.ModelFolder();
        var adapters = new Option<string[]>("--adapter")
        {
            Description = "A PEFT adapter served under a name, NAME=DIR (a bare DIR is named after its folder); repeatable. " +
                          "A request's \"model\" selects it; the first is the default.",
            HelpName = "NAME=DIR",
        };
        var host = new Option<string>("--host")
        {
            Description = "The address to listen on: 127.0.0.1 (loopback: this machine only), ::1, localhost, or another address of this " +
                          "machine (0.0.0.0: every interface; the endpoint has no authentication).",
            HelpName = "ADDRESS",
            DefaultValueFactory = _ => "127.0.0.1",
        };
        var port = new Option<int>("--port") { Description = "The TCP port; 0 picks a free one (printed).", HelpName = "P", DefaultValueFactory = _ => DefaultPort };
        var maxTokens = new Option<int>("--max-tokens")
        {
            Description = "Most tokens a reply may have; a request asking for more is refused (400), one asking for none gets this many at most.",
            HelpName = "N",
            DefaultValueFactory = _ => defaults.MaxTokens,
        };
        var maxBody = new Option<long>("--max-body-bytes")
        {
            Description = "Largest request body read; a larger one is refused (413).",
            HelpName = "B",
            DefaultValueFactory = _ => defaults.MaxBodyBytes,
        };
        var maxConcurrent = new Option<int>("--max-concurrent-requests")
        {
            Description = "Chat completions admitted at once; the model answers them one at a time in arrival order, and refuses more (503, Retry-After).",
            HelpName = "N",
            DefaultValueFactory = _ => defaults.MaxConcurrentRequests,
        };
        var dtype = DTypeOption.Create("Compute dtype of the base weights.", "fp32", "bf16");
        var device = CliOptions.Device();

        var command = new Command("serve",
            "Serve a model and its adapters over an OpenAI-compatible HTTP API (POST /v1/chat/completions, GET /v1/models) until Ctrl+C.")
        {
            model, adapters, host, port, maxTokens, maxBody, maxConcurrent, dtype, device,
        };
        command.Validators.Add(result =>
        {
            if (ParsedValue.Of(result, host) is { } h && Address(h) is null)
                result.AddError($"--host '{h}': expected an IP address (127.0.0.1, ::1, 0.0.0.0) or localhost.");
            if (ParsedValue.Of(result, port) is var p && p is < 0 or > 65535) result.AddError($"--port is {p}; it must be in 0..65535 (0 picks a free port).");
            if (ParsedValue.Of(result, maxTokens) is var t && result.GetResult(maxTokens) is not null && t < 1) result.AddError($"--max-tokens is {t}; it must be 1 or more.");
            if (ParsedValue.Of(result, maxBody) is var b && result.GetResult(maxBody) is not null && b < 1) result.AddError($"--max-body-bytes is {b}; it must be 1 or more.");
            if (ParsedValue.Of(result, maxConcurrent) is var c && result.GetResult(maxConcurrent) is not null && c < 1)
                result.AddError($"--max-concurrent-requests is {c}; it must be 1 or more.");
            foreach (var problem in (ParsedValue.Of(result, adapters) ?? []).Select(AdapterProblem).OfType<string>()) result.AddError(problem);
        });
        command.SetAction((parse, cancellationToken) => RunAsync(
            parse.GetRequiredValue(model), parse.GetValue(adapters) ?? [], Address(parse.GetRequiredValue(host))!, parse.GetRequiredValue(port),
            new ServeLimits
            {
                MaxTokens = parse.GetRequiredValue(maxTokens),
                MaxBodyBytes = parse.GetRequiredValue(maxBody),
                MaxConcurrentRequests = parse.GetRequiredValue(maxConcurrent),
            },
            new LoraChatClientOptions { Device = parse.GetRequiredValue(device), DType = DTypeOption.ToScalarType(parse.GetRequiredValue(dtype)) },
            parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    static async Task<int> RunAsync(string modelFolder, string[] adapterArguments, IPAddress host, int port, ServeLimits limits,
        LoraChatClientOptions options, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var adapters = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, folder) in adapterArguments.Select(Adapter))
            if (!adapters.TryAdd(name, folder)) throw new CommandInputException($"--adapter: two adapters are named '{name}'; name each NAME=DIR.");

        using var signals = new StopSignals(cancellationToken);
        TorchNative.EnsureLoaded();
        using var client = new LoraChatClient(modelFolder, adapters, options with { DefaultMaxOutputTokens = limits.MaxTokens });
        var log = TextWriter.Synchronized(stderr);
        try
        {
            await using var server = await OpenAiServer.StartAsync(client, host, port, limits, log, signals.Token);
            string address = server.Address.ToString().TrimEnd('/');
            stdout.WriteLine($"lora serve: listening on {address} (OpenAI base URL {address}/v1); models: {string.Join(", ", client.ModelIds)} " +
                             $"(default {client.DefaultModelId}). Ctrl+C stops.");
            stdout.Flush();
            if (!IPAddress.IsLoopback(host))
                log.WriteLine($"lora serve: warning: {host} is reachable from other machines, and the endpoint has no authentication.");
            await Task.Delay(Timeout.Infinite, signals.Token).ContinueWith(_ => { }, TaskScheduler.Default);
            log.WriteLine("lora serve: stopping.");
            await server.StopAsync();
        }
        catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
        {
            // Stopped while it started.
        }
        return CliApp.Success;
    }

    /// <summary>The address --host names: an IP address, or localhost as the IPv4 loopback.</summary>
    static IPAddress? Address(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.TryParse(host, out var address) ? address : null;

    /// <summary>NAME=DIR, or a bare DIR named after its folder.</summary>
    static (string Name, string Folder) Adapter(string argument)
    {
        int equals = argument.IndexOf('=');
        if (equals > 0) return (argument[..equals], argument[(equals + 1)..]);
        return (Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(argument))), argument);
    }

    static string? AdapterProblem(string argument)
    {
        var (name, folder) = Adapter(argument);
        if (name.Length == 0 || folder.Length == 0) return $"--adapter '{argument}': expected NAME=DIR.";
        if (name.Contains('.')) return $"--adapter '{argument}': the name '{name}' contains '.', which adapter names cannot hold; choose another.";
        return Directory.Exists(folder) ? null : $"--adapter '{argument}': no such folder {folder}.";
    }
}
