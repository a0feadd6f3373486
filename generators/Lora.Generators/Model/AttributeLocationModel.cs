namespace Lora.Generators.Model
{
    /// <summary>Where an attribute is written, for the generated <c>Locations</c> of the configuration.</summary>
    /// <param name="Attribute">The attribute's name without "Attribute" (<c>Dataset</c> for <c>Dataset&lt;TRow&gt;</c> too).</param>
    /// <param name="Line">Its first line, from 1.</param>
    /// <param name="Column">Its first column, from 1.</param>
    internal sealed record AttributeLocationModel(string Attribute, int Line, int Column);
}
