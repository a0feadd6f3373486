using System;
using System.Collections.Generic;

namespace Lora
{
    /// <summary>One experiment as listed by an <see cref="IExperimentRegistry"/>.</summary>
    /// <param name="Name">The experiment's name.</param>
    /// <param name="ExperimentType">The declaring record.</param>
    /// <param name="Config">The unswept configuration.</param>
    /// <param name="Variants">The configurations to run: the sweep variants, or just <paramref name="Config"/>.</param>
    public sealed record ExperimentDescriptor(
        string Name,
        Type ExperimentType,
        ExperimentConfig Config,
        IReadOnlyList<ExperimentConfig> Variants);
}
