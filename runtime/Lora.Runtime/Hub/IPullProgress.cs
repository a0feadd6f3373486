#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks.Hub;
#else
namespace Lora.Runtime.Hub;
#endif

/// <summary>What a pull says while it works: the `lora pull` command prints it, the build logs it.</summary>
#if LORA_SDK_TASKS
internal
#else
public
#endif
interface IPullProgress
{
    /// <summary>An event worth a line: the commit a revision resolved to, a file taken from the cache, a transfer resumed.</summary>
    void Message(string text);

    /// <summary><paramref name="done"/> of <paramref name="total"/> bytes of <paramref name="file"/> are in the cache (called often: throttle).</summary>
    void Transferred(string file, long done, long total);
}
