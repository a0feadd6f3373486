namespace Lora.Tools.Pretraining;

/// <summary>A pretraining input that cannot be used: a recipe setting, a missing or altered tarball, an empty corpus. The message says what to fix.</summary>
public sealed class PretrainingException(string message) : Exception(message);
