namespace Lora.Runtime.Peft;

/// <summary>A PEFT adapter folder does not fit the base model or PEFT's format; the message names the file and tensor.</summary>
public sealed class PeftFormatException(string message, Exception? inner = null) : Exception(message, inner);
