using System;

namespace Lora
{
    /// <summary>
    /// Declares a fine-tuning experiment on a <c>partial record</c>. The Lora generator turns the record's
    /// attributes into a resolved <see cref="ExperimentConfig"/> and a typed pipeline
    /// (<c>Train</c>, <c>Merge</c>, <c>Evaluate</c>, <c>Run</c>).
    /// </summary>
    [AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, AllowMultiple = false, Inherited = false)]
    public sealed class ExperimentAttribute : Attribute
    {
        /// <summary>Declares an experiment.</summary>
        /// <param name="name">Names the experiment's artifacts: lower-case letters, digits, '-', '_' and '.'.</param>
        public ExperimentAttribute(string name)
        {
            Name = name;
        }

        /// <summary>The experiment's name, e.g. <c>spam-filter</c>; sweep variants append <c>/rank-8</c>.</summary>
        public string Name { get; }

        /// <summary>A free-form description recorded with the artifacts.</summary>
        public string? Description { get; set; }
    }
}
