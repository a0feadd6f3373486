namespace Lora.Runtime.Evaluation;

/// <summary>One eval row as predictions.jsonl records it: where it came from, what both models were given and what they generated.</summary>
/// <param name="Where">The row's place, file:line.</param>
/// <param name="Prompt">The prompt the models were given (a chat row's conversation with the generation prompt).</param>
/// <param name="Reference">The expected completion.</param>
/// <param name="Base">What the base model generated.</param>
/// <param name="Tuned">What the tuned model generated.</param>
public sealed record PredictedRow(string Where, string Prompt, string Reference, string Base, string Tuned);
