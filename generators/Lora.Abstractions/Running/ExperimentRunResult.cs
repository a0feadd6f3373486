using System.Collections.Generic;
using System.Linq;

namespace Lora
{
    /// <summary>Everything one configuration's <c>Run</c> produced.</summary>
    /// <param name="Config">The configuration that ran.</param>
    /// <param name="Training">The training outcome.</param>
    /// <param name="Merge">The merge outcome, or null without <see cref="MergeAttribute"/>.</param>
    /// <param name="Evaluation">The evaluation outcome, or null without <see cref="EvaluateAttribute"/>.</param>
    /// <param name="Expectations">Every checked expectation.</param>
    public sealed record ExperimentRunResult(
        ExperimentConfig Config,
        TrainResult Training,
        MergeResult? Merge,
        EvaluationResult? Evaluation,
        IReadOnlyList<ExpectationOutcome> Expectations)
    {
        /// <summary>True when every expectation passed.</summary>
        public bool Passed => Expectations.All(e => e.Passed);
    }
}
