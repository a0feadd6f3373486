namespace Lora.Runtime.Data;

/// <summary>A dataset line or example cannot be used; the message names the file and line.</summary>
public sealed class DatasetException(string message) : Exception(message);
