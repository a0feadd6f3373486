using System.Runtime.CompilerServices;

// netstandard2.0 lacks the types behind the index and range operators (s[1..], list[^1]), which the chat-template engine
// (compiled in from the runtime) uses; these are .NET's, reduced to what the compiler calls. Being internal, they do
// not clash with a framework's own.
namespace System
{
    /// <summary>An index from the start or from the end of a sequence.</summary>
    internal readonly struct Index : IEquatable<Index>
    {
        private readonly int _value;

        /// <summary>Creates an index.</summary>
        /// <param name="value">A non-negative position.</param>
        /// <param name="fromEnd">Whether it counts from the end.</param>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Index(int value, bool fromEnd = false)
        {
            if (value < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(value), "Non-negative number required.");
            }

            _value = fromEnd ? ~value : value;
        }

        private Index(int value)
        {
            _value = value;
        }

        /// <summary>The first position.</summary>
        public static Index Start => new(0);

        /// <summary>The position after the last.</summary>
        public static Index End => new(~0);

        /// <summary>The position as written.</summary>
        public int Value => _value < 0 ? ~_value : _value;

        /// <summary>Whether it counts from the end.</summary>
        public bool IsFromEnd => _value < 0;

        /// <summary>Converts a position counted from the start.</summary>
        /// <param name="value">The position.</param>
        public static implicit operator Index(int value) => FromStart(value);

        /// <summary>An index from the start.</summary>
        /// <param name="value">The position.</param>
        /// <returns>The index.</returns>
        public static Index FromStart(int value) => value >= 0 ? new Index(value) : throw new ArgumentOutOfRangeException(nameof(value), "Non-negative number required.");

        /// <summary>An index from the end.</summary>
        /// <param name="value">The position from the end.</param>
        /// <returns>The index.</returns>
        public static Index FromEnd(int value) => value >= 0 ? new Index(~value) : throw new ArgumentOutOfRangeException(nameof(value), "Non-negative number required.");

        /// <summary>The position from the start in a sequence of <paramref name="length"/> items.</summary>
        /// <param name="length">The sequence's length.</param>
        /// <returns>The offset.</returns>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public int GetOffset(int length) => _value < 0 ? _value + length + 1 : _value;

        /// <inheritdoc/>
        public bool Equals(Index other) => _value == other._value;

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Index other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => _value;
    }

    /// <summary>A range of a sequence: a start and an end index.</summary>
    internal readonly struct Range : IEquatable<Range>
    {
        /// <summary>Creates a range.</summary>
        /// <param name="start">The inclusive start.</param>
        /// <param name="end">The exclusive end.</param>
        public Range(Index start, Index end)
        {
            Start = start;
            End = end;
        }

        /// <summary>The inclusive start.</summary>
        public Index Start { get; }

        /// <summary>The exclusive end.</summary>
        public Index End { get; }

        /// <summary>The whole sequence.</summary>
        public static Range All => new(Index.Start, Index.End);

        /// <summary>From an index to the end.</summary>
        /// <param name="start">The start.</param>
        /// <returns>The range.</returns>
        public static Range StartAt(Index start) => new(start, Index.End);

        /// <summary>From the start to an index.</summary>
        /// <param name="end">The end.</param>
        /// <returns>The range.</returns>
        public static Range EndAt(Index end) => new(Index.Start, end);

        /// <summary>The offset and length in a sequence of <paramref name="length"/> items.</summary>
        /// <param name="length">The sequence's length.</param>
        /// <returns>The offset and length.</returns>
        public (int Offset, int Length) GetOffsetAndLength(int length)
        {
            var start = Start.GetOffset(length);
            var end = End.GetOffset(length);
            if ((uint)end > (uint)length || (uint)start > (uint)end)
            {
                throw new ArgumentOutOfRangeException(nameof(length));
            }

            return (start, end - start);
        }

        /// <inheritdoc/>
        public bool Equals(Range other) => Start.Equals(other.Start) && End.Equals(other.End);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Range other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => (Start.GetHashCode() * 31) + End.GetHashCode();
    }
}
