using System.Collections.Generic;

namespace Lora
{
    /// <summary>The resolved <see cref="EvaluateAttribute"/>.</summary>
    /// <param name="Metrics">The metrics to compute.</param>
    /// <param name="MaxNewTokens">Tokens generated per row for generation metrics.</param>
    /// <param name="ChoicesPath">The JSONL file of <see cref="MultipleChoiceRow"/> lines the multiple-choice metrics score (as
    /// written; see <see cref="ExperimentConfig.ResolvePath"/>), or null.</param>
    public sealed record EvaluationSettings(IReadOnlyList<Metric> Metrics, int MaxNewTokens, string? ChoicesPath = null);
}
