using Lora.Runtime.Autograd;
using Lora.Runtime.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>
/// The LM head and the cross-entropy in one autograd step that holds at most one float32 copy of the logits:
/// when they fit in <see cref="KeepBudgetBytes"/>, forward turns them into softmax probabilities in place and
/// keeps them for backward (no recomputation); otherwise it works a slice of the vocabulary at a time, keeps only the
/// per-row log-sum-exp, and backward recomputes each slice's logits for softmax − one-hot. Either way the several
/// float32 copies of (B·T, V) a plain cross-entropy keeps never exist. Slicing the vocabulary rather than the rows
/// reads each part of the head once per pass, so a 4-bit head is dequantized a slice at a time, never whole. The head
/// weight must be frozen. A soft-capped head (<see cref="LmHeadWeight.Softcap"/>, Gemma 2) always works by slices: its
/// backward needs the capped and the plain logits, which recomputing a slice gives without keeping either.
/// </summary>
public static class ChunkedLinearCrossEntropy
{
    /// <summary>Float32 logits materialised at once when recomputing, as rows' worth: 1024 × 32k × 4 bytes = 128 MiB at most.</summary>
    public const int DefaultChunkRows = Lora.MemoryEstimator.LogitsChunkRows;

    /// <summary>Probabilities up to this size are kept from forward to backward instead of recomputed (the estimator counts with the same constants).</summary>
    public const long KeepBudgetBytes = Lora.MemoryEstimator.LogitsKeepBudgetBytes;

    /// <summary>Float32 logits materialised at once in memory-lean runs (gradient checkpointing on).</summary>
    public const long LeanChunkBytes = Lora.MemoryEstimator.LeanLogitsChunkBytes;

    /// <summary>Rows' worth of float32 logits (rows, V) within <see cref="LeanChunkBytes"/>.</summary>
    public static int LeanChunkRows(long vocabSize) => (int)Math.Max(1, LeanChunkBytes / (vocabSize * 4));

    /// <summary>
    /// hidden (N, H), head (V, H) frozen, labels (N) with −100 ignored → mean cross-entropy (scalar, float32). Slices hold
    /// as many float32 logits as <paramref name="chunkRows"/> full rows would.
    /// </summary>
    public static Tensor Compute(Tensor hidden, LmHeadWeight head, Tensor labels, int chunkRows = DefaultChunkRows, long keepBudgetBytes = KeepBudgetBytes) =>
        Function.apply(hidden, head, labels, chunkRows, keepBudgetBytes);

    /// <summary>
    /// The same mean cross-entropy without gradients (evaluation): vocabulary slices, nothing kept, so a large eval batch
    /// never holds more than one slice of float32 logits.
    /// </summary>
    public static Tensor Evaluate(Tensor hidden, LmHeadWeight head, Tensor labels, int chunkRows = DefaultChunkRows)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var valid = labels.ne(CausalLmLoss.IgnoreIndex);                      // (N)
        var safeLabels = labels.masked_fill(valid.logical_not(), 0);
        var lse = SlicedLogSumExp(hidden, head, safeLabels, chunkRows, out var picked);
        var count = valid.sum().to_type(ScalarType.Float32).clamp_min(1);
        return ((lse - picked).mul_(valid).sum() / count).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The vocabulary in slices [start, start + columns) such that (N, columns) float32 logits hold no more than
    /// <paramref name="chunkRows"/> full rows; slices are multiples of 64 columns (and of the head's alignment).
    /// </summary>
    static IEnumerable<(long Start, long Columns)> Slices(long rows, LmHeadWeight head, int chunkRows)
    {
        long vocab = head.VocabSize, step = Math.Max(64, head.RowAlignment);
        long columns = Math.Max(step, (long)chunkRows * vocab / Math.Max(1, rows) / step * step);
        for (long start = 0; start < vocab; start += columns) yield return (start, Math.Min(columns, vocab - start));
    }

    /// <summary>
    /// Each row's log-sum-exp over the vocabulary (N), a slice at a time, and in <paramref name="picked"/> (N) the logit of
    /// its label, taken from the same float32 logits so that the two agree to the last bit.
    /// </summary>
    static Tensor SlicedLogSumExp(Tensor hidden, LmHeadWeight head, Tensor safeLabels, int chunkRows, out Tensor picked)
    {
        using var scope = NewDisposeScope();
        var slices = Slices(hidden.shape[0], head, chunkRows).ToList();
        var lses = empty(hidden.shape[0], slices.Count, ScalarType.Float32, hidden.device);             // (N, slices)
        var labelLogits = zeros(hidden.shape[0], ScalarType.Float32, hidden.device);                     // (N)
        for (int s = 0; s < slices.Count; s++)
        {
            using var inner = NewDisposeScope();
            var (start, columns) = slices[s];
            var logits = nn.functional.linear(hidden, head.Rows(start, columns)).to_type(ScalarType.Float32);  // (N, columns)
            if (head.Softcap is double cap) logits = logits.div_(cap).tanh_().mul_(cap);
            var (local, inSlice) = LocalLabels(safeLabels, start, columns);
            labelLogits.add_(logits.gather(-1, local.unsqueeze(-1)).squeeze(-1).mul_(inSlice));
            lses.select(1, s).copy_(ExponentiateInPlace(logits).Lse);
        }
        picked = labelLogits.MoveToOuterDisposeScope();
        return lses.logsumexp(1).MoveToOuterDisposeScope();
    }

    /// <summary>Labels (N) as columns of the slice [start, start + columns) (clamped into it) and a float32 mask (N) of those inside it.</summary>
    static (Tensor Local, Tensor InSlice) LocalLabels(Tensor labels, long start, long columns)
    {
        var local = labels - start;
        var inSlice = local.ge(0).logical_and_(local.lt(columns)).to_type(ScalarType.Float32);
        return (local.clamp_(0, columns - 1), inSlice);
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
    /// d(loss)/d(hidden) through (a slice of) the head: ((exps − oneHot at each label) · rowScale) · W → (rows, H) float32,
    /// where <paramref name="exps"/> (rows, columns) are the softmax times a per-row factor, <paramref name="oneHot"/> (rows)
    /// is that factor where the label is among these columns (0 where it is not) and <paramref name="rowScale"/> (rows)
    /// undoes the factor and weights the row. The one-hot goes in before the head's GEMM, so that p − 1 is formed in
    /// float32 where it cancels for confident rows; the row scaling after it, on (rows, H) instead of one more pass over
    /// (rows, columns). <paramref name="exps"/> is overwritten.
    /// </summary>
    /// <remarks>With a soft-capped head, <paramref name="capSlope"/> (rows, columns) is the cap's derivative, 1 − tanh²(z / c),
    /// which the logits' gradient is multiplied by before the GEMM.</remarks>
    static Tensor BackThroughHead(Tensor exps, Tensor oneHot, Tensor rowScale, Tensor labels, Tensor weight, Tensor? capSlope = null)
    {
        exps.scatter_add_(-1, labels.unsqueeze(-1), oneHot.neg().unsqueeze(-1));
        if (capSlope is not null) exps.mul_(capSlope);
        var pushed = exps.to_type(weight.dtype).matmul(weight).to_type(ScalarType.Float32);          // (rows, H)
        return pushed.mul_(rowScale.unsqueeze(-1));
    }

    sealed class Function : autograd.SingleTensorFunction<Function>
    {
        const string ChunkKey = "chunk", StateKey = "state", ProbsKey = "probs", HeadKey = "head";
        public override string Name => nameof(ChunkedLinearCrossEntropy);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (hidden, head, labels, chunk, budget) = ((Tensor)vars[0], (LmHeadWeight)vars[1], (Tensor)vars[2], (int)vars[3], (long)vars[4]);
            using var scope = NewDisposeScope();
            var valid = labels.ne(CausalLmLoss.IgnoreIndex);                      // (N)
            var safeLabels = labels.masked_fill(valid.logical_not(), 0);         // (N), ignored rows point at 0
            var count = valid.sum().to_type(ScalarType.Float32).clamp_min(1);    // scalar, stays on the device
            Tensor lse, picked;
            bool keep = head.Softcap is null && hidden.shape[0] * head.VocabSize * 4L <= budget;
            ctx.save_data(ProbsKey, false);
            if (keep)
            {
                using var weight = head.Whole();                                                                // (V, H)
                var exps = Logits(hidden, weight);                                                             // (N, V) float32
                picked = exps.gather(-1, safeLabels.unsqueeze(-1)).squeeze(-1);
                (lse, var sum) = ExponentiateInPlace(exps);                                                    // exps: exp(z − max)
                // Unnormalised: backward divides by each row's sum after the head's GEMM, on (N, H) rows (BackThroughHead).
                // Wrapped: TorchSharp warns on stdout when a bare tensor is stored as data.
                ctx.save_data(ProbsKey, new[] { exps.DetachFromDisposeScope(), sum.DetachFromDisposeScope() });
            }
            else lse = SlicedLogSumExp(hidden, head, safeLabels, chunk, out picked);
            var loss = (lse - picked).mul_(valid).sum() / count;
            // Everything backward needs is kept as data and released by backward itself: tensors saved through
            // save_for_backward stay alive until the .NET garbage collector finalises the context, which native
            // memory pressure does not trigger (resident memory grew a third over 200 steps that way).
            ctx.save_data(ChunkKey, chunk);
            ctx.save_data(HeadKey, head);
            ctx.save_data(StateKey, new[] { hidden.detach(), safeLabels, valid, lse, count }.Select(t => t.DetachFromDisposeScope()).ToArray());
            return loss.MoveToOuterDisposeScope();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var state = (Tensor[])ctx.get_data(StateKey);
            var (hidden, labels, valid, lse, count) = (state[0], state[1], state[2], state[3], state[4]);
            var head = (LmHeadWeight)ctx.get_data(HeadKey);
            int chunk = (int)ctx.get_data(ChunkKey);
            Tensor gradHidden;
            using (var scope = NewDisposeScope())
            {
                var rowWeight = valid.to_type(ScalarType.Float32).mul_(gradOutput.to_type(ScalarType.Float32) / count);   // (N)
                if (ctx.get_data(ProbsKey) is Tensor[] { Length: 2 } holder)
                {
                    var (kept, sum) = (holder[0], holder[1]);
                    using var weight = head.Whole();
                    gradHidden = BackThroughHead(kept, sum, rowWeight / sum, labels, weight);
                    Interlocked.Exchange(ref _spareLogits, kept)?.Dispose();
                    sum.Dispose();
                }
                else
                {
                    gradHidden = zeros(hidden.shape[0], hidden.shape[1], ScalarType.Float32, hidden.device);      // (N, H)
                    foreach (var (start, columns) in Slices(hidden.shape[0], head, chunk))
                    {
                        using var inner = NewDisposeScope();
                        var weight = head.Rows(start, columns);                                                      // (columns, H)
                        var logits = nn.functional.linear(hidden, weight).to_type(ScalarType.Float32);               // (N, columns)
                        Tensor? capSlope = null;
                        if (head.Softcap is double cap)
                        {
                            var t = logits.div_(cap).tanh_();                                                        // tanh(z / c)
                            capSlope = 1 - t.square();
                            logits = t.mul_(cap);                                                                    // the capped logits
                        }
                        var probs = logits.sub_(lse.unsqueeze(-1)).exp_();                                          // softmax, in place
                        var (local, inSlice) = LocalLabels(labels, start, columns);
                        gradHidden.add_(BackThroughHead(probs, inSlice, rowWeight, local, weight, capSlope));
                    }
                }
                gradHidden = gradHidden.to_type(hidden.dtype).MoveToOuterDisposeScope();
            }
            foreach (var t in state) t.Dispose();
            BackwardHandles.Done(gradOutput);
            return BackwardHandles.Return(gradHidden, null, null, null, null);
        }
    }
}
