namespace Lora.Runtime.Models;

/// <summary>A model folder, its config or its weights do not fit what the runtime expects; the message says which file or tensor.</summary>
public sealed class ModelLoadException(string message, Exception? inner = null) : Exception(message, inner);
