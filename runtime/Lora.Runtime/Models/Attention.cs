using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>Scaled dot-product attention shared by every family, with grouped-query expansion.</summary>
public static class Attention
{
    /// <summary>
    /// q (B, nh, T, hd); k, v (B, n_kv, T_k, hd) → (B, T, nh·hd). Scores are q·kᵀ·<paramref name="scale"/> (null: 1/√hd);
    /// with <paramref name="softcap"/> c (Gemma 2's <c>attn_logit_softcapping</c>) they become c·tanh(score / c) before the
    /// mask, which the fused kernel cannot do: those are computed as transformers' eager attention computes them.
    /// </summary>
    public static Tensor Compute(Tensor q, Tensor k, Tensor v, Tensor? mask, double? scale = null, double? softcap = null)
    {
        using var scope = NewDisposeScope();   // the expanded k, v and SDPA's (B, nh, T, hd) output go on return
        long groups = q.shape[1] / k.shape[1];
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, dim: 1);
            v = v.repeat_interleave(groups, dim: 1);
        }
        double kernelScale = 1 / Math.Sqrt(q.shape[^1]);
        Tensor o;
        if (softcap is double cap) o = SoftCapped(q, k, v, mask, scale ?? kernelScale, cap);
        else
        {
            // The kernel scales by 1/√hd; another scale goes into q first (Gemma's query_pre_attn_scalar).
            if (scale is double s && s != kernelScale) q = q * (s / kernelScale);
            o = mask is null
                ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true)
                : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
        }
        var (b, _, t, _) = (o.shape[0], o.shape[1], o.shape[2], o.shape[3]);
        return o.transpose(1, 2).reshape(b, t, -1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// softmax(c·tanh(q·kᵀ·scale / c), masked) · v → (B, nh, T, hd): the scores (B, nh, T, T_k) exist whole. Masked scores
    /// take the dtype's lowest value, as transformers' additive mask gives them, so that a query that sees no key (a padding
    /// position) averages every value rather than turning NaN. The softmax runs in float32.
    /// </summary>
    static Tensor SoftCapped(Tensor q, Tensor k, Tensor v, Tensor? mask, double scale, double cap)
    {
        long t = q.shape[2], tk = k.shape[2];
        var scores = q.matmul(k.transpose(-2, -1)) * scale;                            // (B, nh, T, T_k)
        scores = (scores / cap).tanh() * cap;
        // Without a mask the call is plain causal: nothing cached, so T_k = T.
        var visible = mask ?? ones(t, tk, ScalarType.Bool, device: q.device).tril(tk - t);
        scores = scores.masked_fill(visible.logical_not(), finfo(scores.dtype).min);
        return scores.softmax(-1, ScalarType.Float32).to_type(q.dtype).matmul(v);
    }
}
