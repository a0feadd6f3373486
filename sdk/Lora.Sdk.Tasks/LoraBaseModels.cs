using System.Diagnostics;
using System.Text.RegularExpressions;
using Lora.Generators.Files;
using Lora.Sdk.Tasks.Hub;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Lora.Sdk.Tasks;

/// <summary>
/// Before the compiler runs: finds the base models the sources name by id (<c>[BaseModel("org/name", Revision = "…")]</c>),
/// pulls those the Hugging Face cache lacks (unless downloads are off: HF_HUB_OFFLINE, <see cref="Download"/> false,
/// where a missing model is error LORA1014 naming the <c>lora pull</c> command), and hands each snapshot's config.json to
/// the generator (<see cref="HubModelConfig"/>), which must not touch the file system itself. A folder of the project with
/// the id's relative path wins, as in the generator and the runtime. The pull is network work, not computation, so it runs
/// here rather than in the runner, which does not exist before the compiler has run.
/// </summary>
public sealed class LoraBaseModels : Microsoft.Build.Utilities.Task, ICancelableTask
{
    readonly CancellationTokenSource _cancel = new();

    /// <summary>The project's C# sources (@(Compile)).</summary>
    public ITaskItem[] Sources { get; set; } = [];

    /// <summary>The directory relative [BaseModel] paths are resolved against.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = "";

    /// <summary>LoraHubCache: the cache folder; empty for Python's rules (HF_HUB_CACHE, HF_HOME/hub, ~/.cache/huggingface/hub).</summary>
    public string HubCache { get; set; } = "";

    /// <summary>LoraHubEndpoint: the hub; empty for HF_ENDPOINT, else the public hub.</summary>
    public string HubEndpoint { get; set; } = "";

    /// <summary>Whether a missing model may be downloaded (LoraPullBaseModels, and not a design-time build); HF_HUB_OFFLINE turns it off too.</summary>
    public bool Download { get; set; } = true;

    /// <summary>"true" or "false" to say whether the hub is out of reach; empty (the build's case) reads HF_HUB_OFFLINE.</summary>
    public string Offline { get; set; } = "";

    /// <summary>Each cached model's snapshot config.json, with <see cref="HubModelConfig.ModelMetadata"/> = <c>org/name@revision</c>.</summary>
    [Output]
    public ITaskItem[] ConfigFiles { get; private set; } = [];

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        // A relative LoraHubCache is the project's, as the runner (started in the project folder) reads it.
        var hub = HubEnvironment.Current.With(cacheDirectory: HubCache.Length > 0 ? Path.GetFullPath(HubCache, ProjectDirectory) : null, endpoint: HubEndpoint,
            offline: Offline.Length > 0 ? HubEnvironment.IsTrue(Offline) : null);
        var cache = new HubCache(hub.CacheDirectory);
        var configs = new List<ITaskItem>();
        foreach (var (source, revision, file, line) in References())
        {
            var id = HubModelId.TryParse(source);
            if (id is null || Directory.Exists(Path.Combine(ProjectDirectory, source)) || HubModelId.RevisionProblem(revision) is not null)
                continue;   // a path, a built-in model, or a revision the generator reports (LORA0049)
            var snapshot = HubModelLookup.Find(cache, id, revision, hub.Offline, out var problem);
            if (snapshot is null && !Download) continue;   // the generator reports it (LORA0048)
            if (snapshot is null && hub.Offline)
            {
                Log.LogError(null, ErrorCodes.BaseModelNotCached, null, Lora.Generators.Diagnostics.DiagnosticHelp.Link(ErrorCodes.BaseModelNotCached), file, line, 0, 0, 0,
                    "[BaseModel(\"{0}\")]: {1} The build pulls missing base models before compiling, but not offline. {2}", source, problem, AsFolder(source));
                continue;
            }
            snapshot ??= Pull(cache, hub, id, revision, source, file, line);
            if (snapshot is null) continue;
            var item = new TaskItem(Path.Combine(snapshot.Folder, TrainingFiles.Config));
            item.SetMetadata(HubModelConfig.ModelMetadata, HubModelConfig.Value(id.Id, revision));
            configs.Add(item);
        }
        // One item per file: revisions that resolve to one snapshot (main and its commit) share it, their values joined.
        ConfigFiles = configs.GroupBy(c => c.ItemSpec, StringComparer.Ordinal).Select(group =>
        {
            var item = new TaskItem(group.Key);
            item.SetMetadata(HubModelConfig.ModelMetadata, string.Join(HubModelConfig.Separator, group.Select(c => c.GetMetadata(HubModelConfig.ModelMetadata))));
            return (ITaskItem)item;
        }).ToArray();
        return !Log.HasLoggedErrors;
    }

    HubSnapshot? Pull(HubCache cache, HubEnvironment hub, HubModelId id, string revision, string source, string file, int line)
    {
        Log.LogMessage(MessageImportance.High, "Lora.Sdk: pulling base model {0}@{1} from {2} into {3}", id, revision, hub.Endpoint, cache.Root);
        try
        {
            using var client = new HubClient(hub);
            var snapshot = new HubPull(cache, client, new BuildProgress(Log, id)).PullAsync(id, revision, _cancel.Token).GetAwaiter().GetResult();
            Log.LogMessage(MessageImportance.High, "Lora.Sdk: {0} is in {1}", snapshot, snapshot.Folder);
            return snapshot;
        }
        catch (HubException e)
        {
            Log.LogError(null, ErrorCodes.BaseModelPullFailed, null, Lora.Generators.Diagnostics.DiagnosticHelp.Link(ErrorCodes.BaseModelPullFailed), file, line, 0, 0, 0,
                "[BaseModel(\"{0}\")]: {1} {2}", source, e.Message, AsFolder(source));
        }
        catch (OperationCanceledException)
        {
            Log.LogWarning(null, ErrorCodes.Cancelled, null, Lora.Generators.Diagnostics.DiagnosticHelp.Link(ErrorCodes.Cancelled), file, line, 0, 0, 0,
                "Pulling {0}@{1} was stopped; the next build resumes the download.", id, revision);
        }
        return null;
    }

    /// <summary>The other reading of a source spelled like a model id, for a misspelled folder.</summary>
    string AsFolder(string source) =>
        $"(As a folder of the project, '{source}' would be {Path.Combine(ProjectDirectory, source)}, which does not exist; a model folder holds config.json and the weights.)";

    /// <summary>Every distinct [BaseModel] of the sources, with the revision it names (default main) and where it is written.</summary>
    IEnumerable<(string Source, string Revision, string File, int Line)> References()
    {
        var seen = new HashSet<(string, string)>();
        foreach (var item in Sources)
        {
            string path = item.GetMetadata("FullPath");
            if (!File.Exists(path)) continue;
            foreach (var (source, revision, line) in BaseModelReferences.Scan(File.ReadAllText(path)))
                if (seen.Add((source, revision)))
                    yield return (source, revision, path, line);
        }
    }

    /// <summary>The pull's events as build messages, and each file's progress at most every five seconds.</summary>
    sealed class BuildProgress(TaskLoggingHelper log, HubModelId id) : IPullProgress
    {
        readonly Stopwatch _clock = Stopwatch.StartNew();
        TimeSpan _last = TimeSpan.MinValue;

        public void Message(string text) => log.LogMessage(MessageImportance.Normal, "Lora.Sdk: {0}: {1}", id, text);

        public void Transferred(string file, long done, long total)
        {
            if (done < total && _clock.Elapsed - _last < TimeSpan.FromSeconds(5)) return;
            _last = _clock.Elapsed;
            log.LogMessage(MessageImportance.High, "Lora.Sdk: {0}: {1} {2} of {3} ({4:0}%)", id, file, HubClient.Bytes(done), HubClient.Bytes(total), total == 0 ? 100 : 100.0 * done / total);
        }
    }
}

/// <summary>
/// Finds <c>[BaseModel("…")]</c> attributes in C# source text, before it is compiled: the source string, the Revision
/// named argument when there is one, and the line. Text, not syntax: a model named through a constant is not seen (the
/// generator then reports it as not in the cache, with the pull command); a line comment hides an attribute.
/// </summary>
internal static class BaseModelReferences
{
    static readonly Regex Attribute = new(
        @"\bBaseModel(?:Attribute)?\s*\(\s*@?""(?<source>[^""\r\n]*)""(?<rest>[^)\]]*)",
        RegexOptions.CultureInvariant | RegexOptions.Compiled);

    static readonly Regex Revision = new(@"\bRevision\s*=\s*@?""(?<revision>[^""\r\n]*)""", RegexOptions.CultureInvariant | RegexOptions.Compiled);

    public static IEnumerable<(string Source, string Revision, int Line)> Scan(string text)
    {
        foreach (Match match in Attribute.Matches(text))
        {
            int lineStart = text.LastIndexOf('\n', Math.Max(0, match.Index - 1)) + 1;
            if (text.AsSpan(lineStart, match.Index - lineStart).Contains("//", StringComparison.Ordinal)) continue;
            var revision = Revision.Match(match.Groups["rest"].Value);
            int line = 1 + text.AsSpan(0, match.Index).Count('\n');
            yield return (match.Groups["source"].Value, revision.Success ? revision.Groups["revision"].Value : HubModelId.DefaultRevision, line);
        }
    }
}
