using System.Collections.Generic;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>One combination of swept values, before it becomes a <see cref="Model.VariantModel"/>.</summary>
    /// <param name="Name">The variant name, e.g. <c>rank-8</c>.</param>
    /// <param name="Identifier">The C# property name, e.g. <c>Rank8</c>.</param>
    /// <param name="Choices">The value chosen on each axis.</param>
    internal sealed record VariantPlan(string Name, string Identifier, IReadOnlyList<(SweepAxis Axis, SweepPoint Point)> Choices)
    {
        /// <summary>The settings this variant replaces.</summary>
        public IEnumerable<(AttributeKind Kind, string Name, SettingValue Value)> Overrides
        {
            get
            {
                foreach (var (axis, point) in Choices)
                {
                    yield return (axis.Attribute, axis.Definition.Name, point.Value);
                }
            }
        }
    }
}
