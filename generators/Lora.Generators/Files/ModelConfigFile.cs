namespace Lora.Generators.Files
{
    /// <summary>A base model's config.json as far as the generator needs it.</summary>
    /// <param name="ModelType">The <c>model_type</c>, or null when absent.</param>
    /// <param name="Dimensions">The model's sizes, or null when the file lacks them or the family is unknown.</param>
    /// <param name="Error">Why the file cannot be used (invalid JSON, or the shared reader's refusal: a key missing, mistyped or out of range), or null.</param>
    /// <param name="Unsupported">True when <paramref name="Error"/> refuses a valid setting Lora does not implement (LORA0056), not a broken file (LORA0041).</param>
    internal sealed record ModelConfigFile(string? ModelType, ModelDimensions? Dimensions, string? Error, bool Unsupported = false);
}
