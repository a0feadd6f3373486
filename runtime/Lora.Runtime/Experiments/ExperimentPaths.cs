namespace Lora.Runtime.Experiments;

/// <summary>Where one experiment's artifacts live: <c>&lt;artifacts root&gt;/&lt;experiment name&gt;[/&lt;variant&gt;]/</c>.</summary>
public sealed record ExperimentPaths(string Root)
{
    public static ExperimentPaths For(string artifactsRoot, Lora.ExperimentConfig config) =>
        new(Path.GetFullPath(Path.Combine(artifactsRoot, config.FullName.Replace('/', Path.DirectorySeparatorChar))));

    public string Adapter => Path.Combine(Root, "adapter");
    public string Merged => Path.Combine(Root, "merged");
    /// <summary>The merged model as one GGUF file ([Export]), beside the merged folder.</summary>
    public string Gguf => Path.Combine(Root, "model.gguf");
    public string Checkpoints => Path.Combine(Root, "checkpoints");
    public string Eval => Path.Combine(Root, "eval.json");
    public string Predictions => Path.Combine(Root, "predictions.jsonl");
    public string Report => Path.Combine(Root, "report.md");
    public string Run => Path.Combine(Root, "run.json");
    public string Progress => Path.Combine(Root, "progress.jsonl");
    public string LossCurve => Path.Combine(Root, "loss.svg");
    public string Lock => Path.Combine(Root, ".lock");
}
