using System.Collections.Generic;

namespace Lora.Runtime.ChatTemplates;

/// <summary>
/// The text a <c>{% generation %}</c> block produced: [<see cref="Start"/>, <see cref="End"/>) in UTF-16 code units of
/// the rendered text (transformers counts Python characters; the tokenizer's offsets here are UTF-16, so these are
/// the ones to map to tokens for an assistant-only loss mask).
/// </summary>
public readonly record struct GenerationSpan(int Start, int End);

/// <summary>A rendered conversation and the spans its generation blocks produced.</summary>
public sealed record ChatTemplateRendering(string Text, IReadOnlyList<GenerationSpan> GenerationSpans);
