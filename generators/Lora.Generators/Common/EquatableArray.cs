using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace Lora.Generators.Common
{
    /// <summary>An immutable array compared element by element, so that pipeline values holding it stay cacheable.</summary>
    /// <typeparam name="T">The element type.</typeparam>
    internal readonly struct EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
        where T : IEquatable<T>
    {
        private readonly T[]? _items;

        /// <summary>Wraps <paramref name="items"/>; the caller must not change them afterwards.</summary>
        /// <param name="items">The elements.</param>
        public EquatableArray(T[] items)
        {
            _items = items;
        }

        /// <summary>An empty array.</summary>
        public static EquatableArray<T> Empty => new(Array.Empty<T>());

        /// <inheritdoc/>
        public int Count => _items?.Length ?? 0;

        /// <inheritdoc/>
        public T this[int index] => _items![index];

        /// <summary>Compares two arrays element by element.</summary>
        public static bool operator ==(EquatableArray<T> left, EquatableArray<T> right) => left.Equals(right);

        /// <summary>Compares two arrays element by element.</summary>
        public static bool operator !=(EquatableArray<T> left, EquatableArray<T> right) => !left.Equals(right);

        /// <inheritdoc/>
        public bool Equals(EquatableArray<T> other) => AsSpan().SequenceEqual(other.AsSpan());

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode()
        {
            var hash = 17;
            foreach (var item in AsSpan())
            {
                hash = (hash * 31) + (item?.GetHashCode() ?? 0);
            }

            return hash;
        }

        /// <summary>The elements as a span.</summary>
        /// <returns>A read-only span over the elements.</returns>
        public ReadOnlySpan<T> AsSpan() => _items is null ? ReadOnlySpan<T>.Empty : _items.AsSpan();

        /// <inheritdoc/>
        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)(_items ?? Array.Empty<T>())).GetEnumerator();

        /// <inheritdoc/>
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>Creates <see cref="EquatableArray{T}"/> values.</summary>
    internal static class EquatableArray
    {
        /// <summary>Copies a sequence into an equatable array.</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="items">The elements.</param>
        /// <returns>The array.</returns>
        public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items)
            where T : IEquatable<T> => new(System.Linq.Enumerable.ToArray(items));

        /// <summary>Copies an immutable array into an equatable array.</summary>
        /// <typeparam name="T">The element type.</typeparam>
        /// <param name="items">The elements.</param>
        /// <returns>The array.</returns>
        public static EquatableArray<T> ToEquatableArray<T>(this ImmutableArray<T> items)
            where T : IEquatable<T> => new(items.IsDefault ? Array.Empty<T>() : System.Linq.Enumerable.ToArray(items));
    }
}
