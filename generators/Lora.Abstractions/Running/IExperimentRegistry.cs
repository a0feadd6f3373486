using System.Collections.Generic;

namespace Lora
{
    /// <summary>Lists an assembly's experiments; the generator implements it and names it with <see cref="ExperimentRegistryAttribute"/>.</summary>
    public interface IExperimentRegistry
    {
        /// <summary>Every experiment of the assembly, ordered by name.</summary>
        IReadOnlyList<ExperimentDescriptor> Experiments { get; }
    }
}
