namespace Lora.Runtime.Experiments;

/// <summary>How the runner executes experiments on this machine.</summary>
public sealed record RunnerOptions
{
    /// <summary>Where artifacts go: <c>&lt;root&gt;/&lt;experiment&gt;/</c>.</summary>
    public required string ArtifactsRoot { get; init; }
    /// <summary>cpu, cuda, or auto (cuda when available).</summary>
    public string Device { get; init; } = "cpu";
    /// <summary>False (the default): one build at a time trains, merges or evaluates on this device (<see cref="ExperimentLock.AcquireDevice"/>);
    /// true lets several share it.</summary>
    public bool ShareDevice { get; init; }
    /// <summary>Lines for the build log (model loaded, resumed, checkpoint written).</summary>
    public Action<string> Log { get; init; } = _ => { };
}
