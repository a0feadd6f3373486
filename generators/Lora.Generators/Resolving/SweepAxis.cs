using System.Collections.Generic;
using Lora.Generators.Parsing;
using Lora.Generators.Settings;

namespace Lora.Generators.Resolving
{
    /// <summary>One [Sweep]: the setting it varies and its valid values.</summary>
    /// <param name="Definition">The swept setting.</param>
    /// <param name="Attribute">The attribute the setting belongs to in this experiment (a dataset setting may be on either dataset attribute).</param>
    /// <param name="Points">The valid values, in source order.</param>
    internal sealed record SweepAxis(SettingDefinition Definition, AttributeKind Attribute, IReadOnlyList<SweepPoint> Points);
}
