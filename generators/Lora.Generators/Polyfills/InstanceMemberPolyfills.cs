using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace System
{
    /// <summary>
    /// The instance members newer frameworks have that the chat-template engine (compiled in from the runtime) calls, as
    /// extension methods so that its source stays as the runtime writes it; netstandard2.0 lacks them.
    /// </summary>
    internal static class InstanceMemberPolyfills
    {
        /// <summary>The scalar values of a text, a lone surrogate as U+FFFD (string.EnumerateRunes).</summary>
        /// <param name="text">The text.</param>
        /// <returns>Its scalar values in order.</returns>
        public static IEnumerable<Rune> EnumerateRunes(this string text) => Rune.Enumerate(text);

        /// <summary>Whether the text contains the character.</summary>
        /// <param name="text">The text.</param>
        /// <param name="value">The character.</param>
        /// <returns>True when it occurs.</returns>
        public static bool Contains(this string text, char value) => text.IndexOf(value) >= 0;

        /// <summary>Whether the text starts with the character.</summary>
        /// <param name="text">The text.</param>
        /// <param name="value">The character.</param>
        /// <returns>True when it is the first.</returns>
        public static bool StartsWith(this string text, char value) => text.Length > 0 && text[0] == value;

        /// <summary>Whether the text ends with the character.</summary>
        /// <param name="text">The text.</param>
        /// <param name="value">The character.</param>
        /// <returns>True when it is the last.</returns>
        public static bool EndsWith(this string text, char value) => text.Length > 0 && text[text.Length - 1] == value;

        /// <summary>Replaces every occurrence of a text; the comparison must be ordinal, as string.Replace(string, string) is.</summary>
        /// <param name="text">The text.</param>
        /// <param name="oldValue">What to replace.</param>
        /// <param name="newValue">The replacement.</param>
        /// <param name="comparison">StringComparison.Ordinal.</param>
        /// <returns>The new text.</returns>
        public static string Replace(this string text, string oldValue, string? newValue, StringComparison comparison) =>
            comparison == StringComparison.Ordinal
                ? text.Replace(oldValue, newValue)
                : throw new NotSupportedException("Only ordinal replacement is available on netstandard2.0.");

        /// <summary>The sequence without its last <paramref name="count"/> items.</summary>
        /// <typeparam name="T">The item type.</typeparam>
        /// <param name="source">The sequence.</param>
        /// <param name="count">How many to leave out at the end.</param>
        /// <returns>The shorter sequence.</returns>
        public static IEnumerable<T> SkipLast<T>(this IEnumerable<T> source, int count)
        {
            var items = source.ToList();
            return items.Take(Math.Max(items.Count - count, 0));
        }

        /// <summary>Splits a pair into its key and value (for <c>foreach (var (key, value) in dictionary)</c>).</summary>
        /// <typeparam name="TKey">The key type.</typeparam>
        /// <typeparam name="TValue">The value type.</typeparam>
        /// <param name="pair">The pair.</param>
        /// <param name="key">Its key.</param>
        /// <param name="value">Its value.</param>
        public static void Deconstruct<TKey, TValue>(this KeyValuePair<TKey, TValue> pair, out TKey key, out TValue value)
        {
            key = pair.Key;
            value = pair.Value;
        }
    }
}
