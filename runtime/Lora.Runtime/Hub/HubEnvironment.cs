#if LORA_SDK_TASKS
namespace Lora.Sdk.Tasks.Hub;
#else
namespace Lora.Runtime.Hub;
#endif

/// <summary>
/// Where models named by id live and come from, read from the environment as huggingface_hub reads it
/// (<c>constants.py</c>), so that Python and this SDK share one cache:
/// <list type="bullet">
/// <item>the cache: <c>HF_HUB_CACHE</c>, else <c>HUGGINGFACE_HUB_CACHE</c>, else <c>HF_HOME/hub</c>, where <c>HF_HOME</c>
/// defaults to <c>$XDG_CACHE_HOME/huggingface</c> and that to <c>~/.cache/huggingface</c>;</item>
/// <item>the hub: <c>HF_ENDPOINT</c>, else <c>https://huggingface.co</c>;</item>
/// <item>the token for gated and private models: <c>HF_TOKEN</c> (or the older <c>HUGGING_FACE_HUB_TOKEN</c>), else the
/// file <c>HF_TOKEN_PATH</c>, by default <c>HF_HOME/token</c> (what <c>hf auth login</c> writes);</item>
/// <item>offline: <c>HF_HUB_OFFLINE</c> (or <c>TRANSFORMERS_OFFLINE</c>) set to 1, ON, YES or TRUE: nothing is downloaded.</item>
/// </list>
/// </summary>
#if LORA_SDK_TASKS
internal
#else
public
#endif
sealed class HubEnvironment
{
    /// <summary>The public hub.</summary>
    public const string DefaultEndpoint = "https://huggingface.co";

    /// <summary>The variables, by name.</summary>
    public const string CacheVariable = "HF_HUB_CACHE", HomeVariable = "HF_HOME", EndpointVariable = "HF_ENDPOINT",
        TokenVariable = "HF_TOKEN", TokenPathVariable = "HF_TOKEN_PATH", OfflineVariable = "HF_HUB_OFFLINE";

    HubEnvironment(string cacheDirectory, string endpoint, string? token, string tokenSource, bool offline)
    {
        CacheDirectory = cacheDirectory;
        Endpoint = endpoint;
        Token = token;
        TokenSource = tokenSource;
        Offline = offline;
    }

    /// <summary>The hub cache folder (it holds <c>models--org--name</c> folders).</summary>
    public string CacheDirectory { get; }

    /// <summary>The hub's base address, without a trailing slash.</summary>
    public string Endpoint { get; }

    /// <summary>The access token, or null. Never shown: <see cref="TokenSource"/> says where it came from.</summary>
    public string? Token { get; }

    /// <summary>Where <see cref="Token"/> came from, for messages: "HF_TOKEN", the token file's path, or "" when there is none.</summary>
    public string TokenSource { get; }

    /// <summary>Whether downloads are turned off.</summary>
    public bool Offline { get; }

    /// <summary>This process's environment.</summary>
    public static HubEnvironment Current => From(Environment.GetEnvironmentVariable);

    /// <summary>The settings the variables give (<paramref name="variable"/>: a variable's value, or null when unset).</summary>
    public static HubEnvironment From(Func<string, string?> variable)
    {
        string? Get(string name) => variable(name) is { Length: > 0 } value ? value : null;
        string home = ExpandHome(Get(HomeVariable))
            ?? Path.Combine(ExpandHome(Get("XDG_CACHE_HOME")) ?? Path.Combine(UserHome(), ".cache"), "huggingface");
        string cache = ExpandHome(Get(CacheVariable)) ?? ExpandHome(Get("HUGGINGFACE_HUB_CACHE")) ?? Path.Combine(home, "hub");
        string endpoint = (Get(EndpointVariable) ?? DefaultEndpoint).TrimEnd('/');
        bool offline = IsTrue(Get(OfflineVariable) ?? Get("TRANSFORMERS_OFFLINE"));

        string? token = Clean(Get(TokenVariable));
        string source = token is null ? "" : TokenVariable;
        if (token is null && Clean(Get("HUGGING_FACE_HUB_TOKEN")) is { } legacy)
            (token, source) = (legacy, "HUGGING_FACE_HUB_TOKEN");
        if (token is null)
        {
            string file = ExpandHome(Get(TokenPathVariable)) ?? Path.Combine(home, "token");
            if (File.Exists(file) && ReadToken(file) is { } stored) (token, source) = (stored, file);
        }
        return new HubEnvironment(cache, endpoint, token, source, offline);
    }

    /// <summary>The same settings with some replaced (an MSBuild property or a command-line option wins over the variable).</summary>
    public HubEnvironment With(string? cacheDirectory = null, string? endpoint = null, bool? offline = null) =>
        new(cacheDirectory is { Length: > 0 } ? Path.GetFullPath(ExpandHome(cacheDirectory)!) : CacheDirectory,
            endpoint is { Length: > 0 } ? endpoint.TrimEnd('/') : Endpoint, Token, TokenSource, offline ?? Offline);

    /// <summary>Python's <c>_is_true</c>: 1, ON, YES, TRUE in any case.</summary>
    public static bool IsTrue(string? value) => value?.Trim().ToUpperInvariant() is "1" or "ON" or "YES" or "TRUE";

    /// <summary>The settings without the token.</summary>
    public override string ToString() =>
        $"cache {CacheDirectory}, endpoint {Endpoint}, token {(Token is null ? "none" : "from " + TokenSource)}{(Offline ? ", offline" : "")}";

    static string? ReadToken(string file)
    {
        try { return Clean(File.ReadAllText(file)); }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }

    static string? Clean(string? token) => token?.Replace("\r", "").Replace("\n", "").Trim() is { Length: > 0 } clean ? clean : null;

    static string? ExpandHome(string? path) =>
        path is null ? null
        : path == "~" ? UserHome()
        : path.StartsWith("~/", StringComparison.Ordinal) || path.StartsWith("~" + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? Path.Combine(UserHome(), path[2..])
        : path;

    static string UserHome() => Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
}
