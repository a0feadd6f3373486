using Lora.Runtime.Hub;

namespace Lora.Runtime.Tests.Hub;

/// <summary>
/// Sets the Hugging Face variables of this process for one test (the runtime and the CLI read them as Python does) and
/// puts the old values back at dispose; the variables a test does not give are unset meanwhile, so that the machine's own
/// HF_TOKEN or cache cannot leak in. The runtime tests run one class at a time (AssemblyInfo), so no other test sees them.
/// </summary>
internal sealed class HubVariables : IDisposable
{
    static readonly string[] Names =
    [
        HubEnvironment.CacheVariable, HubEnvironment.HomeVariable, HubEnvironment.EndpointVariable, HubEnvironment.TokenVariable,
        HubEnvironment.TokenPathVariable, HubEnvironment.OfflineVariable, "HUGGINGFACE_HUB_CACHE", "HUGGING_FACE_HUB_TOKEN", "TRANSFORMERS_OFFLINE",
    ];

    readonly Dictionary<string, string?> _saved = Names.ToDictionary(n => n, Environment.GetEnvironmentVariable);

    public HubVariables(string cache, string? endpoint = null, string? token = null, bool offline = false)
    {
        foreach (var name in Names) Environment.SetEnvironmentVariable(name, null);
        Environment.SetEnvironmentVariable(HubEnvironment.CacheVariable, cache);
        // HF_HOME too, so that no token file of the machine's is read.
        Environment.SetEnvironmentVariable(HubEnvironment.HomeVariable, Path.Combine(cache, "home"));
        Environment.SetEnvironmentVariable(HubEnvironment.EndpointVariable, endpoint);
        Environment.SetEnvironmentVariable(HubEnvironment.TokenVariable, token);
        Environment.SetEnvironmentVariable(HubEnvironment.OfflineVariable, offline ? "1" : null);
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved) Environment.SetEnvironmentVariable(name, value);
    }
}
