namespace Lora.Generators.Json
{
    /// <summary>The outcome of parsing one JSON text: a value, or an error with its 1-based column.</summary>
    /// <param name="Value">The parsed value, or null on error.</param>
    /// <param name="Error">What was wrong, e.g. "expected ',' or '}'", or null.</param>
    /// <param name="Column">The 1-based column of the error (0 when none).</param>
    internal sealed record JsonParseResult(JsonNode? Value, string? Error, int Column);
}
