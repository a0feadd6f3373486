using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>Scaled dot-product attention shared by every family, with grouped-query expansion.</summary>
public static class Attention
{
    /// <summary>q (B, nh, T, hd); k, v (B, n_kv, T_k, hd) → (B, T, nh·hd).</summary>
    public static Tensor Compute(Tensor q, Tensor k, Tensor v, Tensor? mask)
    {
        using var scope = NewDisposeScope();   // the expanded k, v and SDPA's (B, nh, T, hd) output go on return
        long groups = q.shape[1] / k.shape[1];
        if (groups > 1)
        {
            k = k.repeat_interleave(groups, dim: 1);
            v = v.repeat_interleave(groups, dim: 1);
        }
        var o = mask is null
            ? nn.functional.scaled_dot_product_attention(q, k, v, is_casual: true)
            : nn.functional.scaled_dot_product_attention(q, k, v, attn_mask: mask);
        var (b, _, t, _) = (o.shape[0], o.shape[1], o.shape[2], o.shape[3]);
        return o.transpose(1, 2).reshape(b, t, -1).MoveToOuterDisposeScope();
    }
}
