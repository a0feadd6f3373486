using System.Globalization;

namespace Lora.Generators.Settings
{
    /// <summary>The valid range of a numeric setting.</summary>
    /// <param name="Min">The lower bound, or null.</param>
    /// <param name="MinInclusive">Whether the lower bound itself is valid.</param>
    /// <param name="Max">The upper bound, or null.</param>
    /// <param name="MaxInclusive">Whether the upper bound itself is valid.</param>
    internal sealed record RangeRule(double? Min, bool MinInclusive, double? Max, bool MaxInclusive)
    {
        /// <summary>Values ≥ <paramref name="min"/>.</summary>
        /// <param name="min">The inclusive lower bound.</param>
        /// <returns>The rule.</returns>
        public static RangeRule AtLeast(double min) => new(min, true, null, false);

        /// <summary>Values &gt; <paramref name="min"/>.</summary>
        /// <param name="min">The exclusive lower bound.</param>
        /// <returns>The rule.</returns>
        public static RangeRule Above(double min) => new(min, false, null, false);

        /// <summary>Values in [min, max).</summary>
        /// <param name="min">The inclusive lower bound.</param>
        /// <param name="max">The exclusive upper bound.</param>
        /// <returns>The rule.</returns>
        public static RangeRule HalfOpen(double min, double max) => new(min, true, max, false);

        /// <summary>Values in (min, max).</summary>
        /// <param name="min">The exclusive lower bound.</param>
        /// <param name="max">The exclusive upper bound.</param>
        /// <returns>The rule.</returns>
        public static RangeRule Open(double min, double max) => new(min, false, max, false);

        /// <summary>Whether <paramref name="value"/> is valid; NaN never is.</summary>
        /// <param name="value">The value.</param>
        /// <returns>True when in range.</returns>
        public bool Contains(double value)
        {
            if (double.IsNaN(value))
            {
                return false;
            }

            var aboveMin = Min is not { } min || (MinInclusive ? value >= min : value > min);
            var belowMax = Max is not { } max || (MaxInclusive ? value <= max : value < max);
            return aboveMin && belowMax;
        }

        /// <summary>The range in words: "at least 1", "above 0", "in [0, 1)".</summary>
        /// <returns>The description.</returns>
        public string Describe()
        {
            if (Max is null)
            {
                return (MinInclusive ? "at least " : "above ") + Format(Min ?? 0);
            }

            return "in " + (MinInclusive ? "[" : "(") + Format(Min ?? double.NegativeInfinity) + ", " + Format(Max.Value) + (MaxInclusive ? "]" : ")");
        }

        private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
    }
}
