namespace Lora.Runtime.Experiments;

/// <summary>How the runner executes experiments on this machine.</summary>
public sealed record RunnerOptions
{
    /// <summary>Where artifacts go: <c>&lt;root&gt;/&lt;experiment&gt;/</c>.</summary>
    public required string ArtifactsRoot { get; init; }
    /// <summary>cpu, cuda, or auto (cuda when available).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>Lines for the build log (model loaded, resumed, checkpoint written).</summary>
    public Action<string> Log { get; init; } = _ => { };
}
