#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks.Hub;
#else
namespace Lora.Runtime.Hub;
#endif

/// <summary>
/// One model at one commit in the Hugging Face cache: <c>models--org--name/snapshots/{Commit}</c>, a folder of links into
/// the model's blobs that reads as an ordinary model folder.
/// </summary>
/// <param name="Id">The model.</param>
/// <param name="Revision">The revision it was asked for: a branch, a tag, or the commit itself.</param>
/// <param name="Commit">The commit hash the revision resolved to.</param>
/// <param name="Folder">The snapshot folder.</param>
#if LORA_SDK_TASKS
internal
#else
public
#endif
sealed record HubSnapshot(HubModelId Id, string Revision, string Commit, string Folder)
{
    /// <summary>How messages name it: <c>org/name@main (commit 0123abcd…)</c>.</summary>
    public override string ToString() => Revision == Commit ? $"{Id}@{Commit}" : $"{Id}@{Revision} (commit {Commit})";
}
