// netstandard2.0 has no OrderedDictionary<TKey, TValue> (.NET 9); the chat-template engine's Python dict derives from
// it. The members it uses, with .NET's semantics: insertion order, a new value for an existing key keeps its place,
// removal closes the gap.
namespace System.Collections.Generic
{
    /// <summary>A dictionary that enumerates in insertion order.</summary>
    /// <typeparam name="TKey">The key type.</typeparam>
    /// <typeparam name="TValue">The value type.</typeparam>
    internal class OrderedDictionary<TKey, TValue> : IDictionary<TKey, TValue>, IReadOnlyDictionary<TKey, TValue>
        where TKey : notnull
    {
        private readonly List<KeyValuePair<TKey, TValue>> _entries = new();
        private readonly Dictionary<TKey, int> _indices;

        /// <summary>Creates an empty dictionary.</summary>
        /// <param name="comparer">How keys compare.</param>
        public OrderedDictionary(IEqualityComparer<TKey>? comparer)
        {
            _indices = new Dictionary<TKey, int>(comparer);
        }

        /// <inheritdoc/>
        public int Count => _entries.Count;

        /// <inheritdoc/>
        public bool IsReadOnly => false;

        /// <summary>The keys in order.</summary>
        public IList<TKey> Keys => _entries.ConvertAll(e => e.Key);

        /// <summary>The values in order.</summary>
        public IList<TValue> Values => _entries.ConvertAll(e => e.Value);

        ICollection<TKey> IDictionary<TKey, TValue>.Keys => Keys;

        ICollection<TValue> IDictionary<TKey, TValue>.Values => Values;

        IEnumerable<TKey> IReadOnlyDictionary<TKey, TValue>.Keys => Keys;

        IEnumerable<TValue> IReadOnlyDictionary<TKey, TValue>.Values => Values;

        /// <inheritdoc/>
        public TValue this[TKey key]
        {
            get => _indices.TryGetValue(key, out var index) ? _entries[index].Value : throw new KeyNotFoundException();
            set
            {
                if (_indices.TryGetValue(key, out var index))
                {
                    _entries[index] = new KeyValuePair<TKey, TValue>(_entries[index].Key, value);
                }
                else
                {
                    Add(key, value);
                }
            }
        }

        /// <summary>The entry at a position.</summary>
        /// <param name="index">The position.</param>
        /// <returns>The entry.</returns>
        public KeyValuePair<TKey, TValue> GetAt(int index) => _entries[index];

        /// <summary>The position of a key, or -1.</summary>
        /// <param name="key">The key.</param>
        /// <returns>Its position.</returns>
        public int IndexOf(TKey key) => _indices.TryGetValue(key, out var index) ? index : -1;

        /// <inheritdoc/>
        public void Add(TKey key, TValue value)
        {
            _indices.Add(key, _entries.Count);
            _entries.Add(new KeyValuePair<TKey, TValue>(key, value));
        }

        /// <inheritdoc/>
        public bool ContainsKey(TKey key) => _indices.ContainsKey(key);

        /// <inheritdoc/>
        public bool TryGetValue(TKey key, out TValue value)
        {
            if (_indices.TryGetValue(key, out var index))
            {
                value = _entries[index].Value;
                return true;
            }

            value = default!;
            return false;
        }

        /// <inheritdoc/>
        public bool Remove(TKey key)
        {
            if (!_indices.TryGetValue(key, out var index))
            {
                return false;
            }

            _entries.RemoveAt(index);
            _indices.Remove(key);
            for (var i = index; i < _entries.Count; i++)
            {
                _indices[_entries[i].Key] = i;
            }

            return true;
        }

        /// <inheritdoc/>
        public void Clear()
        {
            _entries.Clear();
            _indices.Clear();
        }

        /// <inheritdoc/>
        public IEnumerator<KeyValuePair<TKey, TValue>> GetEnumerator() => _entries.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        void ICollection<KeyValuePair<TKey, TValue>>.Add(KeyValuePair<TKey, TValue> item) => Add(item.Key, item.Value);

        bool ICollection<KeyValuePair<TKey, TValue>>.Contains(KeyValuePair<TKey, TValue> item) =>
            TryGetValue(item.Key, out var value) && EqualityComparer<TValue>.Default.Equals(value, item.Value);

        void ICollection<KeyValuePair<TKey, TValue>>.CopyTo(KeyValuePair<TKey, TValue>[] array, int arrayIndex) => _entries.CopyTo(array, arrayIndex);

        bool ICollection<KeyValuePair<TKey, TValue>>.Remove(KeyValuePair<TKey, TValue> item) =>
            ((ICollection<KeyValuePair<TKey, TValue>>)this).Contains(item) && Remove(item.Key);
    }
}
