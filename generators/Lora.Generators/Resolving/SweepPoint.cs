using Lora.Generators.Diagnostics;
using Lora.Generators.Parsing;

namespace Lora.Generators.Resolving
{
    /// <summary>One valid value of a sweep.</summary>
    /// <param name="Value">The value, converted to the setting's type.</param>
    /// <param name="Location">Where the value is written.</param>
    internal sealed record SweepPoint(SettingValue Value, LocationInfo Location);
}
