using TorchSharp;
using static TorchSharp.torch;

namespace Lora.Runtime.Training;

/// <summary>
/// The LM head and the cross-entropy in one autograd step that never holds the full (N, V) logits: forward
/// computes them a chunk of rows at a time and keeps only the per-row log-sum-exp; backward recomputes each
/// chunk's logits for softmax − one-hot. For a 32k vocabulary this drops the loss's memory from several
/// float32 copies of (B·T, V) to one chunk. The head weight must be frozen (it gets no gradient).
/// </summary>
public static class ChunkedLinearCrossEntropy
{
    /// <summary>Rows of logits materialised at once: 1024 × 32k × 4 bytes = 128 MiB at most.</summary>
    public const int DefaultChunkRows = 1024;

    /// <summary>hidden (N, H), weight (V, H) frozen, labels (N) with −100 ignored → mean cross-entropy (scalar, float32).</summary>
    public static Tensor Compute(Tensor hidden, Tensor weight, Tensor labels, int chunkRows = DefaultChunkRows) =>
        Function.apply(hidden, weight, labels, chunkRows);

    sealed class Function : autograd.SingleTensorFunction<Function>
    {
        const string ChunkKey = "chunk", StateKey = "state";
        public override string Name => nameof(ChunkedLinearCrossEntropy);

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var (hidden, weight, labels, chunk) = ((Tensor)vars[0], (Tensor)vars[1], (Tensor)vars[2], (int)vars[3]);
            using var scope = NewDisposeScope();
            var valid = labels.ne(CausalLmLoss.IgnoreIndex);                      // (N)
            var safeLabels = labels.masked_fill(valid.logical_not(), 0);         // (N), ignored rows point at 0
            var count = valid.sum().to_type(ScalarType.Float32).clamp_min(1);    // scalar, stays on the device
            var lse = empty(labels.shape[0], ScalarType.Float32, hidden.device);
            var total = zeros(1, ScalarType.Float32, hidden.device);
            for (long start = 0; start < hidden.shape[0]; start += chunk)
            {
                using var inner = NewDisposeScope();
                long rows = Math.Min(chunk, hidden.shape[0] - start);
                var logits = nn.functional.linear(hidden.narrow(0, start, rows), weight).to_type(ScalarType.Float32);   // (rows, V)
                var rowLse = logits.logsumexp(-1);                                                                    // (rows)
                var picked = logits.gather(-1, safeLabels.narrow(0, start, rows).unsqueeze(-1)).squeeze(-1);           // (rows)
                lse.narrow(0, start, rows).copy_(rowLse);
                total.add_((rowLse - picked).mul_(valid.narrow(0, start, rows)).sum());
            }
            // Inputs go through autograd; the tensors made here are kept as data, detached from this call's dispose scope.
            ctx.save_for_backward([hidden, weight]);
            ctx.save_data(ChunkKey, chunk);
            ctx.save_data(StateKey, new[] { safeLabels, valid, lse, count }.Select(t => t.DetachFromDisposeScope()).ToArray());
            return (total / count).squeeze().MoveToOuterDisposeScope();
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor gradOutput)
        {
            var saved = ctx.get_saved_variables();
            var (hidden, weight) = (saved[0], saved[1]);
            var state = (Tensor[])ctx.get_data(StateKey);
            var (labels, valid, lse, count) = (state[0], state[1], state[2], state[3]);
            int chunk = (int)ctx.get_data(ChunkKey);
            var gradHidden = empty_like(hidden);
            using var scope = NewDisposeScope();
            var scale = gradOutput.to_type(ScalarType.Float32) / count;                                   // scalar
            for (long start = 0; start < hidden.shape[0]; start += chunk)
            {
                using var inner = NewDisposeScope();
                long rows = Math.Min(chunk, hidden.shape[0] - start);
                var logits = nn.functional.linear(hidden.narrow(0, start, rows), weight).to_type(ScalarType.Float32);
                var probs = (logits - lse.narrow(0, start, rows).unsqueeze(-1)).exp_();                     // softmax (rows, V)
                probs.scatter_add_(-1, labels.narrow(0, start, rows).unsqueeze(-1), full(rows, 1, -1.0f, ScalarType.Float32, hidden.device));
                probs.mul_(valid.narrow(0, start, rows).unsqueeze(-1).to_type(ScalarType.Float32) * scale);
                gradHidden.narrow(0, start, rows).copy_(probs.to_type(hidden.dtype).matmul(weight));        // (rows, H)
            }
            foreach (var t in state) t.Dispose();
            return [gradHidden, null!, null!, null!];
        }
    }
}
