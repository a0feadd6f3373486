using BenchmarkDotNet.Attributes;
using Lora.Runtime.Adapters;
using Lora.Runtime.Models;
using Lora.Tools.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.MicroBenchmarks;

/// <summary>
/// Attention at the peer Llama shapes: the public <see cref="Attention.Compute"/> (grouped-query expansion plus
/// causal scaled-dot-product attention) on its own, and a whole one-layer Llama decoder (embedding, RMSNorm,
/// q/k/v/o projections with rotary positions, attention, gated MLP, final norm) with LoRA on q_proj and v_proj,
/// since the attention block itself is internal. The LM head is left out (see <see cref="LossBenchmarks"/>).
/// </summary>
[BenchmarkCategory("Attention")]
public class AttentionBenchmarks
{
    Tensor _q = null!, _k = null!, _v = null!, _gradAttention = null!;
    Tensor[] _qkv = null!;
    CausalLanguageModel _model = null!;
    Tensor _ids = null!, _gradHidden = null!;
    Tensor[] _loraParameters = null!;

    [GlobalSetup]
    public void Setup()
    {
        Shapes.Initialize();
        _q = randn([Shapes.Batch, Shapes.Heads, Shapes.Seq, Shapes.HeadDim], ScalarType.Float32).requires_grad_(true);
        _k = randn([Shapes.Batch, Shapes.KvHeads, Shapes.Seq, Shapes.HeadDim], ScalarType.Float32).requires_grad_(true);
        _v = randn([Shapes.Batch, Shapes.KvHeads, Shapes.Seq, Shapes.HeadDim], ScalarType.Float32).requires_grad_(true);
        _qkv = [_q, _k, _v];
        _gradAttention = randn([Shapes.Batch, Shapes.Seq, Shapes.Heads * Shapes.HeadDim], ScalarType.Float32);

        _model = BenchmarkModels.Create(BenchmarkModels.Config(Shapes.OneLayerLlama), ScalarType.Float32, CPU);
        LoraAdapters.Attach(_model, "default", new LoraConfig { Rank = Shapes.Rank, Alpha = Shapes.Alpha, TargetModules = ["q_proj", "v_proj"] });
        _model.train();
        var factors = LoraAdapters.Parameters(_model, "default");
        using (no_grad())
            // B starts at zero (PEFT's default); a trained adapter's is not, so fill it as mid-training.
            foreach (var (_, b) in factors.Where(f => f.PeftName.Contains(".lora_B."))) b.normal_(0, 0.02);
        _loraParameters = factors.Select(f => (Tensor)f.Value).ToArray();
        _ids = randint(0, Shapes.Vocab, [Shapes.Batch, Shapes.Seq], dtype: ScalarType.Int64);
        _gradHidden = randn([Shapes.Batch, Shapes.Seq, Shapes.Hidden], ScalarType.Float32);
    }

    [Benchmark(Description = "Attention.Compute (SDPA, GQA 8/4) forward")]
    public void SdpaForward()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        Attention.Compute(_q, _k, _v, mask: null);
    }

    [Benchmark(Description = "Attention.Compute (SDPA, GQA 8/4) fwd+bwd")]
    public void SdpaForwardBackward()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        var o = Attention.Compute(_q, _k, _v, mask: null);
        autograd.grad([o], _qkv, [_gradAttention]);
    }

    [Benchmark(Description = "1-layer Llama decoder fwd+bwd (LoRA q,v)")]
    public void DecoderForwardBackward()
    {
        set_num_threads(Shapes.Threads);
        using var scope = NewDisposeScope();
        var hidden = _model.Hidden(_ids, attentionMask: null, positionIds: null, cache: null, out _);
        autograd.grad([hidden], _loraParameters, [_gradHidden]);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var t in new[] { _q, _k, _v, _gradAttention, _ids, _gradHidden }) t.Dispose();
        _model.Dispose();
    }
}
