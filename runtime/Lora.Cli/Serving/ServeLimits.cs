namespace Lora.Cli.Serving;

/// <summary>What one request to <c>lora serve</c> may ask, and how many may be in progress at once.</summary>
public sealed record ServeLimits
{
    /// <summary>Most bytes a request body may hold; a larger one is refused with 413 before the model sees it.</summary>
    public long MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Most tokens a reply may have: a request asking for more (<c>max_tokens</c>, <c>max_completion_tokens</c>) is
    /// refused with 400 rather than cut; a request that asks for none gets this many at most.</summary>
    public int MaxTokens { get; init; } = 512;

    /// <summary>Chat completions admitted at once. The model answers one at a time, in arrival order; the others wait.
    /// A request beyond this many is refused at once with 503 and <c>Retry-After</c>.</summary>
    public int MaxConcurrentRequests { get; init; } = 4;
}
