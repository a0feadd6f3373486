namespace Lora.Runtime.Generation;

/// <summary>How the next token is chosen. Defaults are greedy decoding, as transformers' <c>generate</c>.</summary>
public sealed record SamplingOptions
{
    public int MaxNewTokens { get; init; } = 32;
    /// <summary>When false, the most likely token is taken (greedy); the other sampling settings are ignored.</summary>
    public bool DoSample { get; init; }
    public double Temperature { get; init; } = 1.0;
    /// <summary>Keep the k most likely tokens; 0 keeps all.</summary>
    public int TopK { get; init; }
    /// <summary>Keep the smallest set of tokens whose probability reaches p; 1 keeps all.</summary>
    public double TopP { get; init; } = 1.0;
    public long? Seed { get; init; }
    /// <summary>Generation stops for a row at any of these ids; empty: the model's own EOS ids.</summary>
    public IReadOnlyList<int>? EosTokenIds { get; init; }
    /// <summary>Written after a row has finished; defaults to the pad id, else the first EOS id.</summary>
    public int? PadTokenId { get; init; }

    public void Validate()
    {
        if (MaxNewTokens < 0) throw new ArgumentOutOfRangeException(nameof(MaxNewTokens), MaxNewTokens, "must be 0 or more");
        if (DoSample && Temperature <= 0) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "must be positive when sampling");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "must be 0 (off) or more");
        if (TopP is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "must be in (0, 1]");
    }
}
