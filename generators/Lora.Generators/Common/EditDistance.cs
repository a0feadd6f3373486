using System;
using System.Collections.Generic;

namespace Lora.Generators.Common
{
    /// <summary>"Did you mean" suggestions by optimal-string-alignment distance (Levenshtein plus adjacent swaps).</summary>
    internal static class EditDistance
    {
        /// <summary>The number of insertions, deletions, substitutions and adjacent swaps between two strings.</summary>
        /// <param name="a">One string.</param>
        /// <param name="b">The other string.</param>
        /// <returns>The distance.</returns>
        public static int Between(string a, string b)
        {
            var d = new int[a.Length + 1, b.Length + 1];
            for (var i = 0; i <= a.Length; i++)
            {
                d[i, 0] = i;
            }

            for (var j = 0; j <= b.Length; j++)
            {
                d[0, j] = j;
            }

            for (var i = 1; i <= a.Length; i++)
            {
                for (var j = 1; j <= b.Length; j++)
                {
                    var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                    var best = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                    if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    {
                        best = Math.Min(best, d[i - 2, j - 2] + 1);
                    }

                    d[i, j] = best;
                }
            }

            return d[a.Length, b.Length];
        }

        /// <summary>
        /// The candidate closest to <paramref name="found"/>, ignoring case, when it is close enough to be a typo:
        /// at most max(2, length / 3) edits. Ties go to the earlier candidate.
        /// </summary>
        /// <param name="found">What the user wrote.</param>
        /// <param name="candidates">The valid names.</param>
        /// <returns>The suggestion, or null.</returns>
        public static string? Suggest(string found, IEnumerable<string> candidates)
        {
            var lowered = found.ToLowerInvariant();
            var limit = Math.Max(2, found.Length / 3);
            string? best = null;
            var bestDistance = int.MaxValue;
            foreach (var candidate in candidates)
            {
                var distance = Between(lowered, candidate.ToLowerInvariant());
                if (distance < bestDistance)
                {
                    best = candidate;
                    bestDistance = distance;
                }
            }

            return bestDistance <= limit ? best : null;
        }
    }
}
