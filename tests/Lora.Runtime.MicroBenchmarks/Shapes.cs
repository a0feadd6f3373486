using Lora.Runtime.Native;
using Lora.Tools.Benchmarks;
using TorchSharp;

namespace Lora.Runtime.MicroBenchmarks;

/// <summary>The peer Llama benchmark's shapes (fp32, CPU): 4 × 256 = 1,024 tokens, LoRA rank 16, alpha 32.</summary>
public static class Shapes
{
    public const int Batch = 4, Seq = 256, Tokens = Batch * Seq;
    public const int Hidden = 512, Heads = 8, KvHeads = 4, HeadDim = 64, Ffn = 1376, Vocab = 32000;
    public const int Rank = 16;
    public const double Alpha = 32;
    /// <summary>libtorch's intra-op threads in every benchmark (the machine the figures come from has two cores).</summary>
    public const int Threads = 2;

    /// <summary>The same options as the peer benchmark, with one decoder layer.</summary>
    public static TrainingBenchmarkOptions OneLayerLlama { get; } = new()
    {
        Family = "llama", Layers = 1, Hidden = Hidden, Heads = Heads, KvHeads = KvHeads, Ffn = Ffn, Vocab = Vocab,
        Seq = Seq, Batch = Batch, Rank = Rank, Alpha = Alpha, Threads = Threads,
    };

    /// <summary>Loads TorchSharp's native library (before any other TorchSharp call), sets the threads and the seed.</summary>
    public static void Initialize()
    {
        TorchNative.EnsureLoaded();
        torch.set_num_threads(Threads);
        torch.manual_seed(0);
    }
}
