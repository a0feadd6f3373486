using Lora.Runtime.Autograd;
using Lora.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>
/// The LM head and the cross-entropy in one autograd step that holds at most one float32 copy of the logits:
/// when they fit in <see cref="KeepBudgetBytes"/>, forward turns them into softmax probabilities in place and
/// keeps them for backward (no recomputation); otherwise it works a chunk of rows at a time, keeps only the
/// per-row log-sum-exp, and backward recomputes each chunk's logits for softmax − one-hot. Either way the several
/// float32 copies of (B·T, V) a plain cross-entropy keeps never exist. The head weight must be frozen.
/// </summary>
public static class ChunkedLinearCrossEntropy
{
    /// <summary>Rows of logits materialised at once when recomputing: 1024 × 32k × 4 bytes = 128 MiB at most.</summary>
    public const int DefaultChunkRows = Lora.MemoryEstimator.LogitsChunkRows;

    /// <summary>Probabilities up to this size are kept from forward to backward instead of recomputed (the estimator counts with the same constants).</summary>
    public const long KeepBudgetBytes = Lora.MemoryEstimator.LogitsKeepBudgetBytes;

    /// <summary>Float32 logits materialised at once in memory-lean runs (gradient checkpointing on).</summary>
    public const long LeanChunkBytes = Lora.MemoryEstimator.LeanLogitsChunkBytes;

    /// <summary>Rows per chunk so that a chunk's float32 logits (rows, V) stay within <see cref="LeanChunkBytes"/>.</summary>
    public static int LeanChunkRows(long vocabSize) => (int)Math.Max(1, LeanChunkBytes / (vocabSize * 4));

    /// <summary>hidden (N, H), weight (V, H) frozen, labels (N) with −100 ignored → mean cross-entropy (scalar, float32).</summary>
    public static Tensor Compute(Tensor hidden, Tensor weight, Tensor labels, int chunkRows = DefaultChunkRows, long keepBudgetBytes = KeepBudgetBytes) =>
        Function.apply(hidden, weight, labels, chunkRows, keepBudgetBytes);

    /// <summary>
    /// The same mean cross-entropy without gradients (evaluation): chunks of rows, nothing kept, so a large eval batch
    /// never holds more than one chunk of float32 logits.
    /// </summary>
    public static Tensor Evaluate(Tensor hidden, Tensor weight, Tensor labels, int chunkRows = DefaultChunkRows)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var valid = labels.ne(CausalLmLoss.IgnoreIndex);                      // (N)
        var safeLabels = labels.masked_fill(valid.logical_not(), 0);
        var total = zeros(1, ScalarType.Float32, hidden.device);
        AccumulateChunks(hidden, weight, safeLabels, valid, chunkRows, total, lse: null);
        var count = valid.sum().to_type(ScalarType.Float32).clamp_min(1);
        return (total / count).squeeze().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Adds the summed cross-entropy of the valid rows to <paramref name="total"/> (1), a chunk of rows (rows, V) of
    /// float32 logits at a time; with <paramref name="lse"/> (N) also keeps each row's log-sum-exp for backward.
    /// </summary>
    static void AccumulateChunks(Tensor hidden, Tensor weight, Tensor safeLabels, Tensor valid, int chunk, Tensor total, Tensor? lse)
    {
        for (long start = 0; start < hidden.shape[0]; start += chunk)
        {
            using var inner = NewDisposeScope();
            long rows = Math.Min(chunk, hidden.shape[0] - start);
            var logits = nn.functional.linear(hidden.narrow(0, start, rows), weight).to_type(ScalarType.Float32);   // (rows, V)
            var picked = logits.gather(-1, safeLabels.narrow(0, start, rows).unsqueeze(-1)).squeeze(-1);           // (rows)
            var (rowLse, _) = ExponentiateInPlace(logits);                                                         // (rows)
            lse?.narrow(0, start, rows).copy_(rowLse);
            total.add_((rowLse - picked).mul_(valid.narrow(0, start, rows)).sum());
        }
    }

    /// <summary>
    /// The kept probabilities' buffer, handed from one step's backward to the next step's forward. A block this size
    /// (125 MiB at 1,024 tokens × 32k) is above glibc's largest mmap threshold, so by default a fresh one is mapped
    /// and faulted in page by page every step; kept, fp32 LoRA's 200-step peak on the benchmark shape is 869-889 MiB
    /// instead of 956.
    /// </summary>
    static Tensor? _spareLogits;

    /// <summary>hidden (N, H) · weightᵀ (V, H) as float32 (N, V), written into the spare buffer when it fits.</summary>
    static Tensor Logits(Tensor hidden, Tensor weight)
    {
        if (hidden.dtype != ScalarType.Float32 || weight.dtype != ScalarType.Float32)
            return nn.functional.linear(hidden, weight).to_type(ScalarType.Float32);
        var buffer = Interlocked.Exchange(ref _spareLogits, null);
        if (buffer is null || buffer.shape[0] != hidden.shape[0] || buffer.shape[1] != weight.shape[0] || !Devices.Same(buffer.device, hidden.device))
        {
            buffer?.Dispose();
            buffer = empty(hidden.shape[0], weight.shape[0], ScalarType.Float32, hidden.device);
        }
        // beta 0: the buffer's old contents are ignored, NaN included.
        return buffer.addmm_(hidden, weight.t(), beta: 0, alpha: 1);
    }

    /// <summary>The buffer waiting for the next step's forward, if any (tests check that it is reused).</summary>
    internal static Tensor? SpareBuffer => Volatile.Read(ref _spareLogits);

    /// <summary>Frees the spare logits buffer (the trainer calls it when it is disposed).</summary>
    public static void ReleaseBuffer() => Interlocked.Exchange(ref _spareLogits, null)?.Dispose();

    /// <summary>
    /// Turns logits (rows, V) into exp(logits − row max) in place and returns each row's log-sum-exp and sum of those
    /// exponentials (rows). Two passes over the logits and no temporary of their size, where logsumexp allocates one
    /// and the softmax after it takes two more passes (a fifth of the fp32 LoRA loss's forward time).
    /// </summary>
    static (Tensor Lse, Tensor Sum) ExponentiateInPlace(Tensor logits)
    {
        var max = logits.amax([-1], keepdim: true);                    // (rows, 1)
        var sum = logits.sub_(max).exp_().sum(-1);                      // (rows)
        return (max.squeeze(-1) + sum.log(), sum);
    }

    /// <summary>
    /// d(loss)/d(hidden) for rows whose exponentials are given as <paramref name="exps"/> (rows, V) = softmax · each row's
    /// <paramref name="sum"/> (rows; ones when already normalised), each row weighted by <paramref name="rowWeight"/> (rows):
    /// ((softmax − one-hot) · rowWeight) · W → (rows, H) float32. The one-hot goes in before the head's GEMM, so that
    /// p − 1 is formed in float32 where it cancels for confident rows; the row weights go in after it, on (rows, H) instead
    /// of one more pass over (rows, V). <paramref name="exps"/> is overwritten.
    /// </summary>
    static Tensor BackThroughHead(Tensor exps, Tensor sum, Tensor rowWeight, Tensor labels, Tensor weight)
    {
        exps.scatter_add_(-1, labels.unsqueeze(-1), sum.neg().unsqueeze(-1));
        var pushed = exps.to_type(weight.dtype).matmul(weight).to_type(ScalarType.Float32);          // (rows, H)
        return pushed.mul_((rowWeight / sum).unsqueeze(-1));
    }

    sealed class Function : autograd.SingleTensorFunction<Function>
    {
        const string ChunkKey = "chunk", StateKey = "state", ProbsKey = "probs";
        public override string Name => nameof(ChunkedLinearCrossEntropy);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (hidden, weight, labels, chunk, budget) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (int)vars[3], (long)vars[4]);
            using var scope = NewDisposeScope();
            var valid = labels.ne(CausalLmLoss.IgnoreIndex);                      // (N)
            var safeLabels = labels.masked_fill(valid.logical_not(), 0);         // (N), ignored rows point at 0
            var count = valid.sum().to_type(ScalarType.Float32).clamp_min(1);    // scalar, stays on the device
            var lse = empty(labels.shape[0], ScalarType.Float32, hidden.device);
            var total = zeros(1, ScalarType.Float32, hidden.device);
            bool keep = hidden.shape[0] * weight.shape[0] * 4L <= budget;
            ctx.save_data(ProbsKey, false);
            if (keep)
            {
                var exps = Logits(hidden, weight);                                                             // (N, V) float32
                var picked = exps.gather(-1, safeLabels.unsqueeze(-1)).squeeze(-1);
                var (rowLse, sum) = ExponentiateInPlace(exps);                                                 // exps: exp(z − max)
                lse.copy_(rowLse);
                total.add_((lse - picked).mul_(valid).sum());
                // Unnormalised: backward divides by each row's sum after the head's GEMM, on (N, H) rows (BackThroughHead).
                // Wrapped: TorchSharp warns on stdout when a bare tensor is stored as data.
                ctx.save_data(ProbsKey, new[] { exps.DetachFromDisposeScope(), sum.DetachFromDisposeScope() });
            }
            else AccumulateChunks(hidden, weight, safeLabels, valid, chunk, total, lse);
            // Everything backward needs is kept as data and released by backward itself: tensors saved through
            // save_for_backward stay alive until the .NET garbage collector finalises the context, which native
            // memory pressure does not trigger (resident memory grew a third over 200 steps that way).
            ctx.save_data(ChunkKey, chunk);
            ctx.save_data(StateKey, new[] { hidden.detach(), weight.detach(), safeLabels, valid, lse, count }.Select(t => t.DetachFromDisposeScope()).ToArray());
            return (total / count).squeeze().MoveToOuterDisposeScope();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var state = (Tensor[])ctx.get_data(StateKey);
            var (hidden, weight, labels, valid, lse, count) = (state[0], state[1], state[2], state[3], state[4], state[5]);
            int chunk = (int)ctx.get_data(ChunkKey);
            var gradHidden = empty_like(hidden);
            using var scope = NewDisposeScope();
            var scale = gradOutput.to_type(ScalarType.Float32) / count;                                   // scalar
            if (ctx.get_data(ProbsKey) is Tensor[] { Length: 2 } holder)
            {
                var (kept, sum) = (holder[0], holder[1]);
                gradHidden.copy_(BackThroughHead(kept, sum, valid.to_type(ScalarType.Float32) * scale, labels, weight));
                Interlocked.Exchange(ref _spareLogits, kept)?.Dispose();
                sum.Dispose();
            }
            else for (long start = 0; start < hidden.shape[0]; start += chunk)
            {
                using var inner = NewDisposeScope();
                long rows = Math.Min(chunk, hidden.shape[0] - start);
                var logits = nn.functional.linear(hidden.narrow(0, start, rows), weight).to_type(ScalarType.Float32);
                var probs = logits.sub_(lse.narrow(0, start, rows).unsqueeze(-1)).exp_();                   // softmax (rows, V), in place
                var rowWeight = valid.narrow(0, start, rows).to_type(ScalarType.Float32) * scale;
                gradHidden.narrow(0, start, rows).copy_(BackThroughHead(probs, ones(rows, ScalarType.Float32, hidden.device), rowWeight, labels.narrow(0, start, rows), weight));
            }
            foreach (var t in state) t.Dispose();
            BackwardHandles.Done(gradOutput);
            return BackwardHandles.Return(gradHidden, null, null, null, null);
        }
    }
}
