using Lora.Generators.Parsing;

namespace Lora.Generators.Model
{
    /// <summary>One resolved constructor argument of a settings record.</summary>
    /// <param name="Name">The record parameter, e.g. <c>Rank</c>.</param>
    /// <param name="Value">The resolved value.</param>
    internal sealed record SettingModel(string Name, SettingValue Value);
}
