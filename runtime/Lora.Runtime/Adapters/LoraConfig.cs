namespace Lora.Runtime.Adapters;

/// <summary>
/// The settings of one LoRA adapter, as PEFT's LoraConfig (same meaning), from an experiment's settings or an
/// adapter_config.json; rank and alpha are always stated (the defaults are the experiment's, or the file's).
/// </summary>
public sealed record LoraConfig
{
    public required int Rank { get; init; }
    public required double Alpha { get; init; }
    public double Dropout { get; init; }
    /// <summary>Module names matched PEFT's way: equal to, or ending with ".&lt;target&gt;".</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = [];
    /// <summary>When set, a regular expression that must match a module's whole name (PEFT's string form of target_modules).</summary>
    public string? TargetRegex { get; init; }
    /// <summary>Which biases train with the adapter and are saved in its file (PEFT's <c>bias</c>: none, all, lora_only).</summary>
    public Lora.LoraBias Bias { get; init; } = Lora.LoraBias.None;
    /// <summary>DoRA (PEFT's <c>use_dora</c>): a trained magnitude per output row over the weight-normalised W + scale·B·A.</summary>
    public bool UseDora { get; init; }
    /// <summary>Scale α/√r instead of α/r.</summary>
    public bool UseRsLora { get; init; }
    /// <summary>Per-module rank / alpha overrides keyed by a name suffix pattern (PEFT's rank_pattern / alpha_pattern).</summary>
    public IReadOnlyDictionary<string, int> RankPattern { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, double> AlphaPattern { get; init; } = new Dictionary<string, double>();

    public int RankFor(string module) => TargetMatcher.PatternValue(RankPattern, module) ?? Rank;
    public double AlphaFor(string module) => TargetMatcher.PatternValue(AlphaPattern, module) ?? Alpha;

    public void Validate()
    {
        if (Rank < 1) throw new ArgumentOutOfRangeException(nameof(Rank), Rank, "LoRA rank must be at least 1.");
        if (Alpha <= 0) throw new ArgumentOutOfRangeException(nameof(Alpha), Alpha, "LoRA alpha must be positive.");
        if (Dropout is < 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(Dropout), Dropout, "LoRA dropout must be in [0, 1).");
        if (TargetModules.Count == 0 && TargetRegex is null)
            throw new ArgumentException("No target modules: name at least one module, e.g. q_proj, v_proj.", nameof(TargetModules));
    }
}
