namespace Lora.Runtime.Export.Gguf;

/// <summary>A model, adapter or tokenizer that cannot be written as a GGUF llama.cpp reads the same way; the message names what
/// and why.</summary>
public sealed class GgufExportException(string message) : Exception(message);
