namespace Lora
{
    /// <summary>One checked <see cref="ExpectationSettings"/>.</summary>
    /// <param name="Expectation">The expectation.</param>
    /// <param name="Actual">The measured value, or null when the evaluation did not report the metric.</param>
    /// <param name="Passed">Whether the value meets the expectation.</param>
    public sealed record ExpectationOutcome(ExpectationSettings Expectation, double? Actual, bool Passed);
}
