using static TorchSharp.torch;

namespace Lora.Runtime.Models;

/// <summary>What every decoder layer of one forward call shares: positions, the attention mask and the cache.</summary>
/// <param name="Mask">Boolean (B, 1, T, T_past + T), true where a query may attend; null means plain causal.</param>
/// <param name="Cos">Rotary cos (B, 1, T, head_dim) in the compute dtype; null for GPT-2.</param>
/// <param name="Sin">Rotary sin, as <paramref name="Cos"/>.</param>
/// <param name="Cache">Keys and values of earlier calls (generation); null in training.</param>
/// <param name="Local">
/// What the sliding-window layers (Gemma) use instead: the mask with the window and their own rotary tables (Gemma 3's
/// local rope base); same cache. Null when no layer slides.
/// </param>
public sealed record ForwardContext(Tensor? Mask, Tensor? Cos, Tensor? Sin, KvCache? Cache, ForwardContext? Local = null);
