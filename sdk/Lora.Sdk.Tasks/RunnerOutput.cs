namespace Lora.Sdk.Tasks;

/// <summary>One line the runner wrote: on standard output (protocol or plain text) or on standard error.</summary>
internal readonly record struct RunnerOutput(bool IsError, string Text);
