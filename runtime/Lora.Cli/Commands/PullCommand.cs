using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using Lora.Runtime.Hub;

namespace Lora.Cli.Commands;

/// <summary>
/// <c>lora pull ORG/NAME [--revision R] [--endpoint URL]</c>: downloads what training needs of a model (config,
/// generation config, safetensors weights and their index, tokenizer files, chat template) into the Hugging Face cache
/// that Python uses too, from HF_ENDPOINT (default the public hub) with HF_TOKEN for gated models; resumes an interrupted
/// download and checks every file against its hash. Prints the snapshot folder on stdout, progress on stderr. With
/// HF_HUB_OFFLINE=1 it downloads nothing: a model already whole in the cache is printed, any other is an error.
/// </summary>
public static class PullCommand
{
    public static Command Create()
    {
        var id = new Argument<string>("ORG/NAME")
        {
            Description = "The model id on the hub, e.g. Qwen/Qwen2.5-0.5B-Instruct.",
            Validators = { result => { if (HubModelId.TryParse(result.GetValueOrDefault<string>()) is null) result.AddError($"'{result.GetValueOrDefault<string>()}' is not a model id; expected ORG/NAME as on the hub, e.g. Qwen/Qwen2.5-0.5B-Instruct."); } },
        };
        var revision = new Option<string>("--revision")
        {
            Description = "The branch, tag or commit hash to download.",
            HelpName = "R",
            DefaultValueFactory = _ => HubModelId.DefaultRevision,
            Validators = { result => { if (HubModelId.RevisionProblem(result.GetValueOrDefault<string>()) is { } problem) result.AddError($"--revision: {problem}."); } },
        };
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = $"The hub to download from; default HF_ENDPOINT, else {HubEnvironment.DefaultEndpoint}.",
            HelpName = "URL",
        };
        var command = new Command("pull", "Download a model's training files (config, safetensors, tokenizer, chat template) into the Hugging Face cache.")
        {
            id, revision, endpoint,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(HubModelId.TryParse(parse.GetRequiredValue(id))!, parse.GetRequiredValue(revision),
            parse.GetValue(endpoint), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, cancellationToken));
        return command;
    }

    static async Task<int> RunAsync(HubModelId id, string revision, string? endpoint, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var hub = HubEnvironment.Current.With(endpoint: endpoint);
        var cache = new HubCache(hub.CacheDirectory);
        HubSnapshot snapshot;
        if (hub.Offline)
        {
            snapshot = HubModelLookup.Find(cache, id, revision, offline: true, out var problem) ?? throw new HubException(problem);
            stderr.WriteLine($"lora: {HubEnvironment.OfflineVariable} is set: {snapshot} is in the cache, nothing downloaded.");
        }
        else
        {
            stderr.WriteLine($"lora: pulling {id}@{revision} from {hub.Endpoint} into {cache.Root}{(hub.Token is null ? "" : $" (token from {hub.TokenSource})")}");
            using var client = new HubClient(hub);
            snapshot = await new HubPull(cache, client, new ProgressLines(stderr)).PullAsync(id, revision, cancellationToken);
        }
        stdout.WriteLine(snapshot.Folder);
        return CliApp.Success;
    }

    /// <summary>Progress on stderr: each event, and each file's bytes at most every two seconds and when it completes.</summary>
    sealed class ProgressLines(TextWriter stderr) : IPullProgress
    {
        readonly Stopwatch _clock = Stopwatch.StartNew();
        TimeSpan _last = TimeSpan.MinValue;

        public void Message(string text) => stderr.WriteLine($"lora: {text}");

        public void Transferred(string file, long done, long total)
        {
            if (done < total && _clock.Elapsed - _last < TimeSpan.FromSeconds(2)) return;
            _last = _clock.Elapsed;
            stderr.WriteLine($"lora: {file}: {HubClient.Bytes(done)} of {HubClient.Bytes(total)} ({(total == 0 ? 100 : 100.0 * done / total):0}%)");
        }
    }
}
