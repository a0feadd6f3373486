using Lora.Generators.Common;
using Lora.Generators.Diagnostics;

namespace Lora.Generators.Parsing
{
    /// <summary>One argument written in an attribute application.</summary>
    /// <param name="Name">The setting it sets: a named argument's property, or the constructor parameter's name in PascalCase (<c>Source</c>, <c>Metrics</c>).</param>
    /// <param name="Value">The constant value.</param>
    /// <param name="Location">The whole argument (<c>Rank = 0</c>), or all <c>params</c> elements together.</param>
    /// <param name="ElementLocations">For array values: one location per element, in order.</param>
    internal sealed record ArgumentSpec(
        string Name,
        SettingValue Value,
        LocationInfo Location,
        EquatableArray<LocationInfo> ElementLocations)
    {
        /// <summary>The location of element <paramref name="index"/>, or the whole argument's when elements have none.</summary>
        /// <param name="index">The element index.</param>
        /// <returns>The location.</returns>
        public LocationInfo ElementLocation(int index) =>
            index < ElementLocations.Count ? ElementLocations[index] : Location;
    }
}
