using Lora.Generators.Common;

namespace Lora.Generators.Model
{
    /// <summary>Where an experiment's attributes are written, for its own generated part.</summary>
    /// <param name="Type">The experiment's type.</param>
    /// <param name="Locations">Each attribute, in source order.</param>
    internal sealed record ExperimentLocationsModel(TypeModel Type, EquatableArray<AttributeLocationModel> Locations);
}
