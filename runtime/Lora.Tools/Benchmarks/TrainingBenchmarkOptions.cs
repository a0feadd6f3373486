namespace Lora.Tools.Benchmarks;

/// <summary>The arguments of ../shared/bench/peer_lora_train.py, with its defaults, so both run the same shape.</summary>
public sealed record TrainingBenchmarkOptions
{
    public string Family { get; init; } = "llama";
    public int Layers { get; init; } = 4;
    public int Hidden { get; init; } = 512;
    public int Heads { get; init; } = 8;
    /// <summary>0 means equal to <see cref="Heads"/>.</summary>
    public int KvHeads { get; init; }
    public int Ffn { get; init; } = 1376;
    public int Vocab { get; init; } = 32000;
    public int Seq { get; init; } = 256;
    public int Batch { get; init; } = 4;
    public int Steps { get; init; } = 4;
    public int Warmup { get; init; } = 1;
    public int Rank { get; init; } = 16;
    public double Alpha { get; init; } = 32;
    public string Targets { get; init; } = "q_proj,v_proj";
    public string DType { get; init; } = "fp32";
    public string Device { get; init; } = "cpu";
    /// <summary>0 leaves libtorch's default.</summary>
    public int Threads { get; init; }
    /// <summary>Recompute each decoder layer in backward (not in the peer; off by default).</summary>
    public bool GradientCheckpointing { get; init; }
    /// <summary>"none" or "nf4": QLoRA's 4-bit base.</summary>
    public string Quant { get; init; } = "none";
    /// <summary>With <see cref="Quant"/>: the embedding and LM head in 4 bits too (<see cref="Lora.Runtime.Quantization.QuantizationOptions.Embeddings"/>).</summary>
    public bool QuantEmbeddings { get; init; }
    /// <summary>"adamw" or "adamw8bit" (8-bit moments, as QLoRA recipes pair with a 4-bit base).</summary>
    public string Optim { get; init; } = "adamw";
    /// <summary>Also time forward, backward and the optimizer apart (a device sync between them; slightly slower steps).</summary>
    public bool Phases { get; init; }
    /// <summary>Also time each residual block's forward and backward (<see cref="SectionTimer"/>; a device sync at every block).</summary>
    public bool Sections { get; init; }
}
