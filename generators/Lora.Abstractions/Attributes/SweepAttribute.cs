using System;

namespace Lora
{
    /// <summary>
    /// Expands the experiment into one named variant per value, e.g. <c>[Sweep("Rank", 4, 8)]</c> on
    /// <c>spam-filter</c> gives <c>spam-filter/rank-4</c> and <c>spam-filter/rank-8</c>. Several sweeps multiply.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
    public sealed class SweepAttribute : Attribute
    {
        /// <summary>Sweeps one setting.</summary>
        /// <param name="property">A setting of another attribute, e.g. <c>"Rank"</c> or <c>"Training.LearningRate"</c>.</param>
        /// <param name="values">Distinct values of the setting's type.</param>
        public SweepAttribute(string property, params object[] values)
        {
            Property = property;
            Values = values;
        }

        /// <summary>The swept setting.</summary>
        public string Property { get; }

        /// <summary>The values, one variant each.</summary>
        public object[] Values { get; }
    }
}
