using System.Diagnostics;
using Lora.Runtime.Autograd;
using Lora.Runtime.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Tools.Benchmarks;

/// <summary>
/// Where a step's time goes inside the model (<c>lora bench train --sections</c>): each residual block's forward and
/// backward timed apart, the device synced at every boundary. In forward the block runs between two syncs; in backward a
/// mark (an identity autograd node) on the block's output fires when its gradient arrives and one on its input when the
/// block's backward is done, so the gap between them is the block's backward. What lies before the first backward mark
/// is the head and the loss; what lies after the last, the embedding. Syncs slow the step: compare sections with the
/// peer timed the same way (tests/benchmarks/peer_sections.py), not with untimed steps.
/// </summary>
public sealed class SectionTimer : IBlockWrapper
{
    readonly bool _cuda;
    readonly Stopwatch _clock = Stopwatch.StartNew();
    readonly Dictionary<string, double> _step = new();
    readonly Dictionary<string, List<double>> _steps = new();
    double _backwardMark = double.NaN;

    public SectionTimer(bool cuda) => _cuda = cuda;

    /// <summary>Whether this step's figures are kept (off during warm-up).</summary>
    public bool Recording { get; set; }

    double Now()
    {
        if (_cuda) torch.cuda.synchronize();
        return _clock.Elapsed.TotalMilliseconds;
    }

    void Add(string section, double ms)
    {
        if (Recording) _step[section] = _step.GetValueOrDefault(section) + ms;
    }

    /// <summary>Runs one residual block (named after its method, e.g. AttentionBlock; a checkpointed run's unit is the
    /// whole DecoderLayer) timed in both directions.</summary>
    /// <remarks>The first block's input (the frozen embedding's output) is given a gradient so that its backward ends at a
    /// mark too: one (B, T, H) input gradient more than an untimed step computes.</remarks>
    public Tensor Run(string name, Tensor x, Func<Tensor, Tensor> block)
    {
        if (!x.requires_grad && is_grad_enabled()) x = x.detach().requires_grad_(true);
        var input = x.requires_grad ? Mark.apply(x, this, $"backward.{name}", true) : x;
        double start = Now();
        var y = block(input);
        Add($"forward.{name}", Now() - start);
        return y.requires_grad ? Mark.apply(y, this, $"backward.{name}", false) : y;
    }

    /// <summary>A step starts (the trainer's step, before its forward).</summary>
    public void BeginStep() => _stepStart = Now();

    /// <summary>
    /// The trainer's phase boundaries: at "forward" the forward's time outside the blocks (embedding, head, loss) is
    /// known; backward runs from there to "backward", and what follows the first block's input mark is the embedding's.
    /// </summary>
    public void Phase(string phase)
    {
        double now = Now();
        if (phase == "forward")
        {
            double blocks = _step.Where(kv => kv.Key.StartsWith("forward.")).Sum(kv => kv.Value);
            Add("forward.embedding_head_and_loss", now - _stepStart - blocks);
            _backwardMark = now;
        }
        else if (phase == "backward" && !double.IsNaN(_backwardMark)) Add("backward.embedding", now - _backwardMark);
    }

    void Backward(string section, bool atInput)
    {
        double now = Now();
        // Between a block's output mark and its input mark: that block; before the first mark: the head and the loss.
        Add(atInput ? section : _seenBlockBackward ? "backward.between_blocks" : "backward.head_and_loss", now - _backwardMark);
        _seenBlockBackward = true;
        _backwardMark = now;
    }

    bool _seenBlockBackward;
    double _stepStart;

    /// <summary>Closes a step: its sums join the per-step lists.</summary>
    public void EndStep()
    {
        foreach (var (k, v) in _step) (_steps.TryGetValue(k, out var list) ? list : _steps[k] = []).Add(v);
        _step.Clear();
        _seenBlockBackward = false;
        _backwardMark = double.NaN;
    }

    /// <summary>Median milliseconds per step of each section.</summary>
    public Dictionary<string, double> Medians() => _steps.ToDictionary(kv => kv.Key, kv => Math.Round(TrainingBenchmark.Median(kv.Value), 3));

    /// <summary>Identity in forward; in backward it tells the timer that the gradient reached this point.</summary>
    sealed class Mark : autograd.SingleTensorFunction<Mark>
    {
        const string TimerKey = "timer", SectionKey = "section", InputKey = "input";
        public override string Name => nameof(Mark);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            ctx.save_data(TimerKey, vars[1]);
            ctx.save_data(SectionKey, vars[2]);
            ctx.save_data(InputKey, vars[3]);
            return ((Tensor)vars[0]).clone();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            ((SectionTimer)ctx.get_data(TimerKey)).Backward((string)ctx.get_data(SectionKey), (bool)ctx.get_data(InputKey));
            return BackwardHandles.Return(gradOutput.clone(), null, null, null);
        }
    }
}
