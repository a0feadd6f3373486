using System;

namespace Lora
{
    /// <summary>A threshold an evaluated metric must meet; an unmet expectation fails the build like a failing test.</summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = true, Inherited = false)]
    public sealed class ExpectAttribute : Attribute
    {
        /// <summary>Names the metric; it must also be listed in <see cref="EvaluateAttribute"/>.</summary>
        /// <param name="metric">The metric to check.</param>
        public ExpectAttribute(Metric metric)
        {
            Metric = metric;
        }

        /// <summary>The metric to check.</summary>
        public Metric Metric { get; }

        /// <summary>The lowest acceptable value; NaN (the default) means no lower bound.</summary>
        public double AtLeast { get; set; } = double.NaN;

        /// <summary>The highest acceptable value; NaN (the default) means no upper bound.</summary>
        public double AtMost { get; set; } = double.NaN;
    }
}
