namespace Lora.Cli;

/// <summary>
/// A command's input that parsed but does not fit the model or files it is used with (a token id past
/// the vocabulary, --prompt for a model without a tokenizer). The message says what to change.
/// </summary>
public sealed class CommandInputException(string message) : Exception(message);
