namespace Lora.Runtime.Native;

/// <summary>TorchSharp's native library could not be loaded; the message carries the loader's real reason.</summary>
public sealed class NativeLoadException(string message, Exception? inner = null) : Exception(message, inner);
