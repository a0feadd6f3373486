using System.Collections.Generic;

namespace Lora
{
    /// <summary>The resolved <see cref="EvaluateAttribute"/>.</summary>
    /// <param name="Metrics">The metrics to compute.</param>
    /// <param name="MaxNewTokens">Tokens generated per row for generation metrics.</param>
    public sealed record EvaluationSettings(IReadOnlyList<Metric> Metrics, int MaxNewTokens);
}
