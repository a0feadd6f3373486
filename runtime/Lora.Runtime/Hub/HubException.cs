#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks.Hub;
#else
namespace Lora.Runtime.Hub;
#endif

/// <summary>
/// A model could not be found or fetched: not in the cache while offline, gated, not on the hub, a transfer that kept
/// breaking off, a blob whose checksum does not match. The message names the model, the revision and what to do.
/// </summary>
#if LORA_SDK_TASKS
internal
#else
public
#endif
sealed class HubException(string message, int? statusCode = null, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The hub's HTTP status, when it answered with an error.</summary>
    public int? StatusCode { get; } = statusCode;
}
