using System.Collections.Generic;
using System.Linq;

namespace Lora.Generators.Resolving
{
    /// <summary>Multiplies sweep axes into named variants, first sweep outermost.</summary>
    internal static class VariantExpander
    {
        /// <summary>Expands the axes.</summary>
        /// <param name="axes">The sweeps with their valid values.</param>
        /// <returns>Every combination; empty without sweeps.</returns>
        public static IReadOnlyList<VariantPlan> Expand(IReadOnlyList<SweepAxis> axes)
        {
            if (axes.Count == 0)
            {
                return new VariantPlan[0];
            }

            var combinations = new List<List<(SweepAxis, SweepPoint)>> { new() };
            foreach (var axis in axes)
            {
                combinations = combinations
                    .SelectMany(prefix => axis.Points.Select(point => new List<(SweepAxis, SweepPoint)>(prefix) { (axis, point) }))
                    .ToList();
            }

            var names = combinations.Select(c => string.Join("/", c.Select(x => VariantNamer.NamePart(x.Item1.Definition.Name, x.Item2.Value)))).ToList();
            var identifiers = VariantNamer.Unique(combinations.Select(c => string.Join("_", c.Select(x => VariantNamer.IdentifierPart(x.Item1.Definition.Name, x.Item2.Value)))).ToList());
            return combinations.Select((c, i) => new VariantPlan(names[i], identifiers[i], c)).ToList();
        }
    }
}
