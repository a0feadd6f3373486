#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks.Hub;
#else
namespace Lora.Runtime.Hub;
#endif

/// <summary>
/// A model id and revision looked up in the cache for use: the snapshot when it holds a whole model (config.json and
/// every weight file), else a message that says what is missing and the command that fetches it.
/// </summary>
#if LORA_SDK_TASKS
internal
#else
public
#endif
static class HubModelLookup
{
    /// <summary>The complete snapshot, or null with <paramref name="problem"/> saying why and what to run.</summary>
    public static HubSnapshot? Find(HubCache cache, HubModelId id, string revision, bool offline, out string problem)
    {
        problem = "";
        if (HubModelId.RevisionProblem(revision) is { } bad)
        {
            problem = $"revision '{revision}' of {id} cannot be used: {bad}.";
            return null;
        }
        var snapshot = cache.Find(id, revision);
        IReadOnlyList<string> missing = snapshot is null ? [] : TrainingFiles.Missing(snapshot.Folder);
        if (snapshot is not null && missing.Count == 0) return snapshot;
        string what = snapshot is null
            ? $"{id} (revision {revision}) is not in the Hugging Face cache at {cache.Root}"
            : $"{snapshot} in the Hugging Face cache ({snapshot.Folder}) is incomplete: it lacks {string.Join(", ", missing)}";
        problem = $"{what}. Download it with `{PullCommand(id, revision)}`" +
                  (offline ? $" where the hub can be reached ({HubEnvironment.OfflineVariable} is set here, so nothing is downloaded)." : ".");
        return null;
    }

    /// <summary>The command that fetches a model: <c>lora pull org/name [--revision R]</c>.</summary>
    public static string PullCommand(HubModelId id, string revision) =>
        revision == HubModelId.DefaultRevision ? $"lora pull {id}" : $"lora pull {id} --revision {revision}";
}
