namespace Lora.Runtime.Quantization;

/// <summary>Tensors that should hold a bitsandbytes 4-bit layer do not; the message names the tensor, what was expected and what was found.</summary>
public sealed class BnbFormatException(string message, Exception? inner = null) : Exception(message, inner);
