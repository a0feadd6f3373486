using Lora.Generators.Common;

namespace Lora.Generators.Parsing
{
    /// <summary>Everything the generator reads from one [Experiment] declaration: plain data, no symbols or syntax.</summary>
    /// <param name="Type">The declared type.</param>
    /// <param name="SourcePath">The file with the [Experiment] declaration.</param>
    /// <param name="Attributes">Every Lora attribute on the type, in source order.</param>
    /// <param name="RowType">The row type of [Dataset&lt;TRow&gt;], or null.</param>
    internal sealed record ExperimentSpec(
        ExperimentTypeSpec Type,
        string SourcePath,
        EquatableArray<AttributeSpec> Attributes,
        RowTypeSpec? RowType)
    {
        /// <summary>The first attribute of <paramref name="kind"/>, or null.</summary>
        /// <param name="kind">The attribute kind.</param>
        /// <returns>The attribute or null.</returns>
        public AttributeSpec? Find(AttributeKind kind)
        {
            foreach (var attribute in Attributes)
            {
                if (attribute.Kind == kind)
                {
                    return attribute;
                }
            }

            return null;
        }
    }
}
