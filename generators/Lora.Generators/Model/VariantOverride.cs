using Lora.Generators.Parsing;

namespace Lora.Generators.Model
{
    /// <summary>One setting a sweep variant changes.</summary>
    /// <param name="Section">The <c>ExperimentConfig</c> property, e.g. <c>Adapter</c>.</param>
    /// <param name="Setting">The setting, e.g. <c>Rank</c>.</param>
    /// <param name="Value">The variant's value.</param>
    internal sealed record VariantOverride(string Section, string Setting, SettingValue Value);
}
