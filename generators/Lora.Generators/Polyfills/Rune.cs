using System.Collections.Generic;
using System.Globalization;

// netstandard2.0 has no System.Text.Rune; the chat-template engine (compiled in from the runtime) enumerates strings by
// code point with it. These are the members it uses, with .NET's behaviour: a lone surrogate enumerates as U+FFFD, and
// the case mappings are the invariant culture's.
namespace System.Text
{
    /// <summary>A Unicode scalar value.</summary>
    internal readonly struct Rune : IEquatable<Rune>
    {
        private Rune(int value)
        {
            Value = value;
        }

        /// <summary>U+FFFD, what an ill-formed UTF-16 sequence enumerates as.</summary>
        public static Rune ReplacementChar => new(0xFFFD);

        /// <summary>The code point.</summary>
        public int Value { get; }

        /// <summary>How many UTF-16 code units encode it.</summary>
        public int Utf16SequenceLength => Value >= 0x10000 ? 2 : 1;

        /// <summary>The scalar value that starts at <paramref name="index"/>.</summary>
        /// <param name="input">The text.</param>
        /// <param name="index">A UTF-16 index into it.</param>
        /// <returns>The scalar value.</returns>
        /// <exception cref="ArgumentException">A lone surrogate is at <paramref name="index"/>.</exception>
        public static Rune GetRuneAt(string input, int index)
        {
            var c = input[index];
            if (!char.IsSurrogate(c))
            {
                return new Rune(c);
            }

            if (char.IsHighSurrogate(c) && index + 1 < input.Length && char.IsLowSurrogate(input[index + 1]))
            {
                return new Rune(char.ConvertToUtf32(c, input[index + 1]));
            }

            throw new ArgumentException("Cannot extract a Unicode scalar value from the specified index in the input.", nameof(index));
        }

        /// <summary>The Unicode category.</summary>
        /// <param name="value">The scalar value.</param>
        /// <returns>Its category.</returns>
        public static UnicodeCategory GetUnicodeCategory(Rune value) => value.Value < 0x10000
            ? CharUnicodeInfo.GetUnicodeCategory((char)value.Value)
            : CharUnicodeInfo.GetUnicodeCategory(value.ToString(), 0);

        /// <summary>The invariant culture's upper case.</summary>
        /// <param name="value">The scalar value.</param>
        /// <returns>Its upper case, or itself.</returns>
        public static Rune ToUpperInvariant(Rune value) => value.Value < 0x10000
            ? new Rune(char.ToUpperInvariant((char)value.Value))
            : FromPair(value.ToString().ToUpperInvariant(), value);

        /// <summary>The invariant culture's lower case.</summary>
        /// <param name="value">The scalar value.</param>
        /// <returns>Its lower case, or itself.</returns>
        public static Rune ToLowerInvariant(Rune value) => value.Value < 0x10000
            ? new Rune(char.ToLowerInvariant((char)value.Value))
            : FromPair(value.ToString().ToLowerInvariant(), value);

        /// <summary>The scalar values of a text, a lone surrogate as U+FFFD.</summary>
        /// <param name="text">The text.</param>
        /// <returns>Its scalar values in order.</returns>
        public static IEnumerable<Rune> Enumerate(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    yield return new Rune(char.ConvertToUtf32(c, text[i + 1]));
                    i++;
                }
                else
                {
                    yield return char.IsSurrogate(c) ? ReplacementChar : new Rune(c);
                }
            }
        }

        /// <inheritdoc/>
        public bool Equals(Rune other) => Value == other.Value;

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Rune other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => Value;

        /// <inheritdoc/>
        public override string ToString() => char.ConvertFromUtf32(Value);

        private static Rune FromPair(string mapped, Rune original) =>
            mapped.Length == 2 && char.IsSurrogatePair(mapped[0], mapped[1]) ? new Rune(char.ConvertToUtf32(mapped[0], mapped[1])) : original;
    }
}
