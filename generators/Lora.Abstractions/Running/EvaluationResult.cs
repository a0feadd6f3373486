using System.Collections.Generic;

namespace Lora
{
    /// <summary>The outcome of <see cref="IExperimentRunner.EvaluateAsync"/>.</summary>
    /// <param name="Metrics">The value of every computed metric.</param>
    /// <param name="Rows">How many held-out rows were evaluated.</param>
    public sealed record EvaluationResult(IReadOnlyDictionary<Metric, double> Metrics, int Rows);
}
