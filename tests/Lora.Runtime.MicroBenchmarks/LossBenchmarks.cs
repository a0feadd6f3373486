using BenchmarkDotNet.Attributes;
using Lora.Runtime.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.MicroBenchmarks;

/// <summary>
/// The LM head (32000 × 512, frozen) and the causal-LM loss over 1,024 positions, forward and backward to the hidden
/// states, as <c>CausalLanguageModel.Loss</c> runs them: the plain way (full logits, <see cref="CausalLmLoss"/>,
/// the baseline) and fused in <see cref="ChunkedLinearCrossEntropy"/>, both with its default settings (the
/// float32 probabilities fit its keep budget, so backward reuses them) and with small recomputed chunks (its
/// memory-lean mode under gradient checkpointing).
/// </summary>
[BenchmarkCategory("Loss")]
public class LossBenchmarks
{
    /// <summary>Rows per chunk in the lean mode: 16 MiB of float32 logits at a 32k vocabulary, as the runtime picks.</summary>
    const int LeanChunkRows = (16 << 20) / (Shapes.Vocab * 4);

    Tensor _hidden = null!, _head = null!, _labels = null!;
    Tensor[] _hiddenOnly = null!;

    [GlobalSetup]
    public void Setup()
    {
        Shapes.Initialize();
        _hidden = randn([Shapes.Batch, Shapes.Seq, Shapes.Hidden], ScalarType.Float32).requires_grad_(true);
        _hiddenOnly = [_hidden];
        _head = empty([Shapes.Vocab, Shapes.Hidden], ScalarType.Float32).normal_(0, 0.02);   // frozen
        _labels = randint(0, Shapes.Vocab, [Shapes.Batch, Shapes.Seq], dtype: ScalarType.Int64);
    }

    [Benchmark(Baseline = true, Description = "Head + CausalLmLoss (full logits) fwd+bwd")]
    public void PlainForwardBackward()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        var logits = nn.functional.linear(_hidden, _head);                   // (B, T, V)
        var loss = CausalLmLoss.Compute(logits, _labels);
        autograd.grad([loss], _hiddenOnly);
    }

    [Benchmark(Description = "ChunkedLinearCrossEntropy (default: keep probs) fwd+bwd")]
    public void ChunkedForwardBackward()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        var (hidden, targets) = Shifted();
        var loss = ChunkedLinearCrossEntropy.Compute(hidden, _head, targets);
        autograd.grad([loss], _hiddenOnly);
    }

    [Benchmark(Description = "ChunkedLinearCrossEntropy (131-row chunks, recompute) fwd+bwd")]
    public void ChunkedLeanForwardBackward()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        var (hidden, targets) = Shifted();
        var loss = ChunkedLinearCrossEntropy.Compute(hidden, _head, targets, LeanChunkRows, keepBudgetBytes: 0);
        autograd.grad([loss], _hiddenOnly);
    }

    /// <summary>Position t predicts label t + 1: hidden (B·(T−1), H) and targets (B·(T−1)), as CausalLanguageModel.Loss shifts them.</summary>
    (Tensor Hidden, Tensor Targets) Shifted() =>
        (_hidden.narrow(1, 0, Shapes.Seq - 1).reshape(-1, Shapes.Hidden), _labels.narrow(1, 1, Shapes.Seq - 1).reshape(-1));

    [GlobalCleanup]
    public void Cleanup()
    {
        _hidden.Dispose();
        _head.Dispose();
        _labels.Dispose();
    }
}
