using System.Collections.Concurrent;
using System.Collections.ObjectModel;
using System.Diagnostics.CodeAnalysis;
using k8s;
using k8s.Models;

namespace KubeInformers;

/// <summary>The index every informer cache has: objects by namespace.</summary>
public static class StandardIndexes
{
    /// <summary>The name of the namespace index.</summary>
    public const string Namespace = "namespace";

    /// <summary>
    /// The index function of <see cref="Namespace"/>: an object's namespace, or nothing for cluster-scoped objects
    /// (client-go's <c>MetaNamespaceIndexFunc</c> indexes those under the empty string; here they are simply not indexed).
    /// </summary>
    public static IndexFunc<T> NamespaceIndexFunc<T>() where T : class, IKubernetesObject<V1ObjectMeta>
        => NamespaceIndexFuncHolder<T>.Instance;

    /// <summary>A dictionary holding only the <see cref="Namespace"/> index, ready for an index-function set (e.g. an informer's <c>Indexers</c> option).</summary>
    public static IReadOnlyDictionary<string, IndexFunc<T>> NamespaceIndexers<T>() where T : class, IKubernetesObject<V1ObjectMeta>
        => new Dictionary<string, IndexFunc<T>>(StringComparer.Ordinal) { [Namespace] = NamespaceIndexFunc<T>() };

    private static class NamespaceIndexFuncHolder<T> where T : class, IKubernetesObject<V1ObjectMeta>
    {
        public static readonly IndexFunc<T> Instance = new NamespaceIndex<T>().Values;
    }

    /// <summary>The namespace index function; the informer's cache recognises it and reads the single value without an array.</summary>
    private sealed class NamespaceIndex<T> : ISingleValueIndex<T> where T : class, IKubernetesObject<V1ObjectMeta>
    {
        public string? Value(T obj) => obj.Metadata?.NamespaceProperty is { Length: > 0 } ns ? ns : null;

        public IEnumerable<string> Values(T obj) => Value(obj) is { } ns ? [ns] : [];
    }
}

/// <summary>
/// Implemented by the target of an <see cref="IndexFunc{T}"/> that yields at most one value per object, so that
/// the informer's cache can read that value without the array the delegate returns.
/// </summary>
internal interface ISingleValueIndex<in T>
{
    /// <summary>The object's only index value, or null when it is not indexed; equal to what the index function yields.</summary>
    string? Value(T obj);
}

/// <summary>
/// The informer's cache: an object store keyed by <see cref="CacheKeys"/> with named, multi-valued indexes. One writer at
/// a time and any number of concurrent readers; readers never wait on a writer longer than a swap.
/// </summary>
/// <remarks>
/// <para>Who may call it: only the informer that owns it writes to it, always under the informer's write lock (so the
/// writes here take no lock of their own to serialize writers). Everyone else gets it typed as <see cref="IIndexer{T}"/>,
/// which has no write member, and this type is internal, so a reader cannot cast its way to the writer.</para>
/// <para>Design (the read side is every controller's hot path):</para>
/// <list type="bullet">
/// <item>Objects live in a <see cref="ConcurrentDictionary{TKey,TValue}"/>: <see cref="GetByKey"/> and
/// <see cref="TryGetByKey"/> take no lock and allocate nothing.</item>
/// <item>Indexes (<c>name → value → set of keys</c>) are plain dictionaries guarded by a <see cref="ReaderWriterLockSlim"/>.
/// Index reads, <see cref="List"/> and <see cref="ListKeys"/> take the read lock; they allocate only their result.</item>
/// <item>A write runs the index functions (user code) and builds everything it can <em>before</em> it takes the write
/// lock, which it holds only to mutate the dictionaries (an O(index values) update, or a reference swap for
/// <see cref="Replace"/>, <see cref="TryLoad"/> and <see cref="AddIndexers"/>). An update that changes no index value
/// takes no lock of this type at all: it swaps the object in the dictionary.</item>
/// <item>Empty key sets are removed from an index as soon as they become empty.</item>
/// </list>
/// <para>Stored objects are shared with every reader: never mutate them.</para>
/// </remarks>
internal sealed class Indexer<T> : IIndexer<T> where T : class
{
    private readonly Func<T, string> _keyFunc;
    private readonly ReaderWriterLockSlim _rw = new(LockRecursionPolicy.NoRecursion);

    // Replaced wholesale by Replace and TryLoad (under the write lock); read without a lock by GetByKey/TryGetByKey.
    private volatile ConcurrentDictionary<string, T> _items;
    // Replaced wholesale by Replace and AddIndexers. Its function set never changes once published; its index
    // dictionaries are mutated only under the write lock (by Add/Update/Delete).
    private volatile IndexSet _indexSet;
    private volatile int _count;

    /// <summary>Creates a store.</summary>
    /// <param name="keyFunc">Computes an object's key.</param>
    /// <param name="indexers">The initial index functions, by name.</param>
    public Indexer(Func<T, string> keyFunc, IReadOnlyDictionary<string, IndexFunc<T>>? indexers = null)
    {
        ArgumentNullException.ThrowIfNull(keyFunc);
        _keyFunc = keyFunc;
        _items = NewItems(0);
        var funcs = new Dictionary<string, IndexFunc<T>>(StringComparer.Ordinal);
        var indices = new Dictionary<string, Dictionary<string, HashSet<string>>>(StringComparer.Ordinal);
        if (indexers is not null)
        {
            foreach (var (name, func) in indexers)
            {
                ArgumentNullException.ThrowIfNull(name, nameof(indexers));
                funcs.Add(name, func ?? throw new ArgumentException($"The index function '{name}' is null.", nameof(indexers)));
                indices.Add(name, new Dictionary<string, HashSet<string>>(StringComparer.Ordinal));
            }
        }

        _indexSet = new IndexSet(funcs, indices);
    }

    /// <inheritdoc/>
    public int Count => _count;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, IndexFunc<T>> Indexers => _indexSet.ReadOnlyFuncs;

    // Writes: one writer at a time (the informer calls them under its write lock; tests from one thread).

    /// <summary>Adds or replaces an object.</summary>
    public void Add(T obj) => Put(obj);

    /// <summary>Adds or replaces an object.</summary>
    public void Update(T obj) => Put(obj);

    /// <summary>
    /// Adds or replaces an object and returns the one it replaced (null when the key was new): one key computation and one
    /// lookup, where <c>TryGetByKey(key) + Update</c> costs two of each. For the informer's single writer loop.
    /// </summary>
    internal T? Upsert(T obj) => Put(_keyFunc(obj ?? throw new ArgumentNullException(nameof(obj))), obj);

    /// <summary>
    /// <see cref="Upsert(T)"/> under a key the caller already computed with this indexer's key function (the informer
    /// gets it from its queue), so the key is not built a second time.
    /// </summary>
    internal T? Upsert(string key, T obj) => Put(key, obj);

    /// <summary>Removes the object stored under <paramref name="key"/>, if any.</summary>
    internal void DeleteByKey(string key)
    {
        var items = _items;
        if (!items.TryGetValue(key, out var old))
        {
            return;
        }

        var indexSet = _indexSet;
        var oldValues = indexSet.Compute(old);
        _rw.EnterWriteLock();
        try
        {
            items.TryRemove(key, out _);
            _count--;
            indexSet.Remove(key, oldValues);
        }
        finally
        {
            _rw.ExitWriteLock();
        }
    }

    /// <summary>
    /// Fills an empty store with <paramref name="objects"/> under the already computed <paramref name="keys"/>
    /// (<c>keys[i]</c> is the key of <c>objects[i]</c>), building the content and indexes aside and publishing them at
    /// once. Returns false, changing nothing, when the store is not empty or two objects share a key.
    /// </summary>
    /// <remarks>The informer's initial list: one sized dictionary and one pass per index instead of one locked update per object.</remarks>
    internal bool TryLoad(string[] keys, T[] objects)
    {
        if (_count != 0)
        {
            return false;
        }

        var newItems = NewItems(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            if (!newItems.TryAdd(keys[i], objects[i]))
            {
                return false;
            }
        }

        Publish(newItems, _indexSet.Rebuilt(newItems));
        return true;
    }

    /// <summary>Removes an object (by its key). Removing an object that is not stored does nothing.</summary>
    public void Delete(T obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        DeleteByKey(_keyFunc(obj));
    }

    /// <summary>Replaces the whole content and rebuilds the indexes.</summary>
    /// <remarks>
    /// The new content and indexes are built aside while readers keep seeing the old content; readers then see the new
    /// content at once (a reference swap). If two items share a key, the later one is kept, as in client-go.
    /// </remarks>
    public void Replace(IEnumerable<T> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var indexSet = _indexSet;
        var newItems = NewItems(items is ICollection<T> c ? c.Count : 0);
        foreach (var item in items)
        {
            ArgumentNullException.ThrowIfNull(item, nameof(items));
            newItems[_keyFunc(item)] = item;
        }

        Publish(newItems, indexSet.Rebuilt(newItems));
    }

    /// <summary>Makes content and indexes built aside visible to readers at once.</summary>
    private void Publish(ConcurrentDictionary<string, T> items, IndexSet indexSet)
    {
        _rw.EnterWriteLock();
        try
        {
            _items = items;
            _indexSet = indexSet;
            _count = items.Count;
        }
        finally
        {
            _rw.ExitWriteLock();
        }
    }

    /// <summary>Adds index functions; existing objects are indexed at once.</summary>
    /// <exception cref="ArgumentException">An index of one of these names already exists.</exception>
    public void AddIndexers(IReadOnlyDictionary<string, IndexFunc<T>> indexers)
    {
        ArgumentNullException.ThrowIfNull(indexers);
        var indexSet = _indexSet;
        foreach (var (name, func) in indexers)
        {
            ArgumentNullException.ThrowIfNull(name, nameof(indexers));
            if (func is null)
            {
                throw new ArgumentException($"The index function '{name}' is null.", nameof(indexers));
            }

            if (indexSet.Funcs.ContainsKey(name))
            {
                throw new ArgumentException($"An index named '{name}' already exists; index names must be unique.", nameof(indexers));
            }
        }

        if (indexers.Count == 0)
        {
            return;
        }

        // Build the new indexes while readers keep using the old ones; there is one writer, so items do not change meanwhile.
        var funcs = new Dictionary<string, IndexFunc<T>>(indexSet.Funcs, StringComparer.Ordinal);
        var indices = new Dictionary<string, Dictionary<string, HashSet<string>>>(indexSet.Indices, StringComparer.Ordinal);
        var items = _items;
        foreach (var (name, func) in indexers)
        {
            funcs.Add(name, func);
            indices.Add(name, IndexSet.Build(func, items));
        }

        var newIndexSet = new IndexSet(funcs, indices);
        _rw.EnterWriteLock();
        try
        {
            _indexSet = newIndexSet;
        }
        finally
        {
            _rw.ExitWriteLock();
        }
    }

    /// <inheritdoc/>
    public T? GetByKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _items.TryGetValue(key, out var obj) ? obj : null;
    }

    /// <summary>
    /// The object stored under <c>namespace/name</c> (or <c>name</c> when <paramref name="namespace"/> is null or empty),
    /// or <see langword="null"/>; unlike <c>GetByKey(CacheKeys.For(ns, name))</c> it builds no key string, so it does not allocate.
    /// </summary>
    public T? GetByNamespaceAndName(string? @namespace, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (string.IsNullOrEmpty(@namespace))
        {
            return _items.TryGetValue(name, out var clusterScoped) ? clusterScoped : null;
        }

        var length = @namespace.Length + 1 + name.Length;
        char[]? rented = null;
        var key = length <= 256 ? stackalloc char[length] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            @namespace.AsSpan().CopyTo(key);
            key[@namespace.Length] = '/';
            name.AsSpan().CopyTo(key[(@namespace.Length + 1)..]);
            return _items.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(key, out var obj) ? obj : null;
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    /// <inheritdoc/>
    public bool TryGetByKey(string key, [MaybeNullWhen(false)] out T obj)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _items.TryGetValue(key, out obj);
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ListKeys()
    {
        _rw.EnterReadLock();
        try
        {
            var items = _items;
            var result = new string[_count];
            var i = 0;
            foreach (var pair in items)
            {
                result[i++] = pair.Key;
            }

            return result;
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<T> List()
    {
        _rw.EnterReadLock();
        try
        {
            var items = _items;
            var result = new T[_count];
            var i = 0;
            foreach (var pair in items)
            {
                result[i++] = pair.Value;
            }

            return result;
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }

    /// <summary>
    /// Calls <paramref name="visit"/> on every cached object, under the read lock, without building a list.
    /// Keep <paramref name="visit"/> short: writers wait for it. Listers use it to filter without an intermediate copy.
    /// </summary>
    public void ForEach<TState>(TState state, Action<TState, T> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        _rw.EnterReadLock();
        try
        {
            foreach (var pair in _items)
            {
                visit(state, pair.Value);
            }
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }

    /// <summary>
    /// Calls <paramref name="visit"/> on every cached object whose index <paramref name="indexName"/> contains
    /// <paramref name="indexedValue"/>, under the read lock, without building a list; returns how many were visited.
    /// Keep <paramref name="visit"/> short: writers wait for it. Listers use it to filter an index without a copy.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No index of that name exists.</exception>
    public int ForEachByIndex<TState>(string indexName, string indexedValue, TState state, Action<TState, T> visit)
    {
        ArgumentNullException.ThrowIfNull(indexName);
        ArgumentNullException.ThrowIfNull(indexedValue);
        ArgumentNullException.ThrowIfNull(visit);
        _rw.EnterReadLock();
        try
        {
            if (!_indexSet.GetIndex(indexName).TryGetValue(indexedValue, out var keys))
            {
                return 0;
            }

            var items = _items;
            var visited = 0;
            foreach (var key in keys)
            {
                if (items.TryGetValue(key, out var obj))
                {
                    visit(state, obj);
                    visited++;
                }
            }

            return visited;
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<T> ByIndex(string indexName, string indexedValue)
    {
        ArgumentNullException.ThrowIfNull(indexName);
        ArgumentNullException.ThrowIfNull(indexedValue);
        _rw.EnterReadLock();
        try
        {
            var index = _indexSet.GetIndex(indexName);
            if (!index.TryGetValue(indexedValue, out var keys))
            {
                return [];
            }

            return Resolve(keys);
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> IndexKeys(string indexName, string indexedValue)
    {
        ArgumentNullException.ThrowIfNull(indexName);
        ArgumentNullException.ThrowIfNull(indexedValue);
        _rw.EnterReadLock();
        try
        {
            var index = _indexSet.GetIndex(indexName);
            if (!index.TryGetValue(indexedValue, out var keys))
            {
                return [];
            }

            var result = new string[keys.Count];
            keys.CopyTo(result);
            return result;
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string> ListIndexFuncValues(string indexName)
    {
        ArgumentNullException.ThrowIfNull(indexName);
        _rw.EnterReadLock();
        try
        {
            var index = _indexSet.GetIndex(indexName);
            var result = new string[index.Count];
            index.Keys.CopyTo(result, 0);
            return result;
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<T> Index(string indexName, T obj)
    {
        ArgumentNullException.ThrowIfNull(indexName);
        ArgumentNullException.ThrowIfNull(obj);
        var indexSet = _indexSet;
        var func = indexSet.GetFunc(indexName);
        var values = IndexSet.Values(func, obj);
        _rw.EnterReadLock();
        try
        {
            var index = _indexSet.GetIndex(indexName);
            if (values.Length == 1)
            {
                return values[0] is { } only && index.TryGetValue(only, out var single) ? Resolve(single) : [];
            }

            HashSet<string>? union = null;
            foreach (var value in values)
            {
                if (value is not null && index.TryGetValue(value, out var keys))
                {
                    (union ??= new HashSet<string>(StringComparer.Ordinal)).UnionWith(keys);
                }
            }

            return union is null ? [] : Resolve(union);
        }
        finally
        {
            _rw.ExitReadLock();
        }
    }

    // Caller holds the read lock, so the items and the index agree.
    private T[] Resolve(HashSet<string> keys)
    {
        var items = _items;
        var result = new T[keys.Count];
        var i = 0;
        foreach (var key in keys)
        {
            if (items.TryGetValue(key, out var obj))
            {
                result[i++] = obj;
            }
        }

        return i == result.Length ? result : result[..i];
    }

    private T? Put(T obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return Put(_keyFunc(obj), obj);
    }

    private T? Put(string key, T obj)
    {
        var items = _items;
        var indexSet = _indexSet;
        var present = items.TryGetValue(key, out var current);
        if (present && indexSet.SameValues(current!, obj))
        {
            // The usual update: no index value changes, so only the object is swapped. Readers under the read lock
            // see the old or the new object, and either agrees with the index; the count does not change.
            items[key] = obj;
            return current;
        }

        var newValues = indexSet.Compute(obj);
        // Non-null exactly when the key was present (Compute returns an empty array when there are no indexes).
        // There is one writer, so the object looked up above is still the current one.
        var oldValues = present ? indexSet.Compute(current!) : null;
        _rw.EnterWriteLock();
        try
        {
            items[key] = obj;
            if (oldValues is null)
            {
                _count++;
            }
            else
            {
                indexSet.Remove(key, oldValues);
            }

            indexSet.Add(key, newValues);
        }
        finally
        {
            _rw.ExitWriteLock();
        }

        return current;
    }

    private static ConcurrentDictionary<string, T> NewItems(int capacity)
        => new(concurrencyLevel: 1, capacity: Math.Max(capacity, 31), comparer: StringComparer.Ordinal);

    /// <summary>The index functions and their indexes, published together.</summary>
    private sealed class IndexSet
    {
        public IndexSet(Dictionary<string, IndexFunc<T>> funcs, Dictionary<string, Dictionary<string, HashSet<string>>> indices)
        {
            Funcs = funcs;
            Indices = indices;
            ReadOnlyFuncs = new ReadOnlyDictionary<string, IndexFunc<T>>(funcs);
            Names = [.. funcs.Keys];
            Ordered = [.. Names.Select(n => funcs[n])];
            Singles = [.. Ordered.Select(f => f.Target as ISingleValueIndex<T>)];
        }

        public Dictionary<string, IndexFunc<T>> Funcs { get; }
        public Dictionary<string, Dictionary<string, HashSet<string>>> Indices { get; }
        public IReadOnlyDictionary<string, IndexFunc<T>> ReadOnlyFuncs { get; }
        public string[] Names { get; }
        /// <summary>The functions in <see cref="Names"/> order.</summary>
        public IndexFunc<T>[] Ordered { get; }
        /// <summary>For each function in <see cref="Names"/> order, its single-value form when it has one.</summary>
        public ISingleValueIndex<T>?[] Singles { get; }

        /// <summary>Whether every index gives <paramref name="a"/> and <paramref name="b"/> the same values (in the same order).</summary>
        public bool SameValues(T a, T b)
        {
            for (var i = 0; i < Ordered.Length; i++)
            {
                if (Singles[i] is { } single)
                {
                    if (!string.Equals(single.Value(a), single.Value(b), StringComparison.Ordinal))
                    {
                        return false;
                    }
                }
                else if (!Values(Ordered[i], a).AsSpan().SequenceEqual(Values(Ordered[i], b)))
                {
                    return false;
                }
            }

            return true;
        }

        public IndexFunc<T> GetFunc(string name)
            => Funcs.TryGetValue(name, out var func) ? func : throw Unknown(name);

        public Dictionary<string, HashSet<string>> GetIndex(string name)
            => Indices.TryGetValue(name, out var index) ? index : throw Unknown(name);

        /// <summary>The values of every index for <paramref name="obj"/>, in <see cref="Names"/> order.</summary>
        public string[][] Compute(T obj)
        {
            if (Names.Length == 0)
            {
                return [];
            }

            var result = new string[Names.Length][];
            for (var i = 0; i < Names.Length; i++)
            {
                result[i] = Singles[i] is { } single ? (single.Value(obj) is { } v ? [v] : []) : Values(Ordered[i], obj);
            }

            return result;
        }

        public void Add(string key, string[][] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var index = Indices[Names[i]];
                foreach (var value in values[i])
                {
                    AddTo(index, value, key);
                }
            }
        }

        public void Remove(string key, string[][] values)
        {
            for (var i = 0; i < values.Length; i++)
            {
                var index = Indices[Names[i]];
                foreach (var value in values[i])
                {
                    if (value is not null && index.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                    {
                        index.Remove(value);
                    }
                }
            }
        }

        public IndexSet Rebuilt(ConcurrentDictionary<string, T> items)
        {
            var indices = new Dictionary<string, Dictionary<string, HashSet<string>>>(StringComparer.Ordinal);
            for (var i = 0; i < Names.Length; i++)
            {
                indices.Add(Names[i], Build(Ordered[i], items));
            }

            return new IndexSet(Funcs, indices);
        }

        /// <summary>A new index of <paramref name="items"/> by <paramref name="func"/>.</summary>
        public static Dictionary<string, HashSet<string>> Build(IndexFunc<T> func, ConcurrentDictionary<string, T> items)
        {
            var index = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            if (func.Target is ISingleValueIndex<T> single)
            {
                foreach (var (key, obj) in items)
                {
                    AddTo(index, single.Value(obj), key);
                }

                return index;
            }

            foreach (var (key, obj) in items)
            {
                foreach (var value in Values(func, obj))
                {
                    AddTo(index, value, key);
                }
            }

            return index;
        }

        public static void AddTo(Dictionary<string, HashSet<string>> index, string? value, string key)
        {
            if (value is null)
            {
                return; // An index function must not return null values; ignore them rather than corrupt the index.
            }

            if (!index.TryGetValue(value, out var keys))
            {
                keys = new HashSet<string>(StringComparer.Ordinal);
                index.Add(value, keys);
            }

            keys.Add(key);
        }

        public static string[] Values(IndexFunc<T> func, T obj)
        {
            var values = func(obj);
            return values switch
            {
                null => [],
                string[] array => array,
                _ => [.. values],
            };
        }

        private KeyNotFoundException Unknown(string name)
            => new(Names.Length == 0
                ? $"No index named '{name}' exists: this indexer has no indexes."
                : $"No index named '{name}' exists; the indexes are: {string.Join(", ", Names.Order(StringComparer.Ordinal))}.");
    }
}
