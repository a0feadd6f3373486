namespace Lora
{
    /// <summary>The resolved <see cref="ExpectAttribute"/>: a metric and its bounds.</summary>
    /// <param name="Metric">The checked metric.</param>
    /// <param name="AtLeast">The lowest acceptable value, or null.</param>
    /// <param name="AtMost">The highest acceptable value, or null.</param>
    public sealed record ExpectationSettings(Metric Metric, double? AtLeast, double? AtMost)
    {
        /// <summary>Whether <paramref name="value"/> meets both bounds; NaN never does.</summary>
        /// <param name="value">The measured value.</param>
        /// <returns>True when the value is within the bounds.</returns>
        public bool IsMetBy(double value) =>
            !double.IsNaN(value)
            && (AtLeast is not { } low || value >= low)
            && (AtMost is not { } high || value <= high);
    }
}
