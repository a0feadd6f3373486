using Lora.Generators.Diagnostics;

namespace Lora.Generators.Resolving
{
    /// <summary>An experiment's name and where it is written, for the duplicate-name check.</summary>
    /// <param name="Name">The experiment name.</param>
    /// <param name="FullTypeName">The declaring type.</param>
    /// <param name="Location">The name argument.</param>
    internal sealed record ExperimentIdentity(string Name, string FullTypeName, LocationInfo Location);
}
