using Lora.Generators.Common;

namespace Lora.Generators.Model
{
    /// <summary>A named sweep variant.</summary>
    /// <param name="Name">The variant name, e.g. <c>rank-8</c> or <c>rank-8/learning-rate-0.0001</c>.</param>
    /// <param name="Identifier">The C# property that holds it, e.g. <c>Rank8</c>.</param>
    /// <param name="Overrides">The settings it changes relative to the unswept configuration.</param>
    internal sealed record VariantModel(string Name, string Identifier, EquatableArray<VariantOverride> Overrides);
}
