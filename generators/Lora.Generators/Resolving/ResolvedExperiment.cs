using Lora.Generators.Common;
using Lora.Generators.Diagnostics;
using Lora.Generators.Model;

namespace Lora.Generators.Resolving
{
    /// <summary>The outcome of resolving one experiment; the pipeline splits it into its three parts.</summary>
    /// <param name="Model">What to emit, or null when the type cannot take generated members.</param>
    /// <param name="Identity">The name and its location, or null without a name.</param>
    /// <param name="Diagnostics">Every problem found.</param>
    /// <param name="Locations">Where its attributes are written, emitted beside the model (null when the model is).</param>
    internal sealed record ResolvedExperiment(ExperimentModel? Model, ExperimentIdentity? Identity, EquatableArray<DiagnosticInfo> Diagnostics,
        ExperimentLocationsModel? Locations = null);
}
