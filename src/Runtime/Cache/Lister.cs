using System.Buffers;
using k8s;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// Reads an informer's cache across all namespaces. Cheap to create; thread-safe.
/// Returned objects are shared with the cache and every other reader: never mutate them.
/// </summary>
/// <remarks>
/// <para>A lister never calls the API server: it answers from the cache, which may lag behind the server.
/// <see cref="Get(string)"/> returns <see langword="null"/> for an object the cache does not hold (client-go returns a
/// NotFound error instead). Objects are not copied: treat them as read-only and copy before changing one
/// (e.g. to send an update).</para>
/// <para><see cref="List(LabelSelector?)"/> with no selector (or <see cref="LabelSelector.Everything"/>) returns the
/// cache's list without evaluating anything; with a selector, it filters in one pass under the cache's read lock when
/// the cache is an informer's. <see cref="List(LabelSelector?)"/> and <see cref="ByIndex"/> allocate only
/// the array they return, sized to the result.</para>
/// </remarks>
public class Lister<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IIndexer<T> _indexer;
    // The informer's cache behind the read-only view, for the allocation-free paths; null for another IIndexer.
    private readonly Indexer<T>? _cache;

    /// <summary>Creates a lister over <paramref name="indexer"/>.</summary>
    public Lister(IIndexer<T> indexer)
    {
        ArgumentNullException.ThrowIfNull(indexer);
        _indexer = indexer;
        _cache = indexer as Indexer<T>;
    }

    /// <summary>The cache this lister reads.</summary>
    public IIndexer<T> Indexer => _indexer;

    /// <summary>All cached objects that match <paramref name="selector"/> (all of them when null).</summary>
    public IReadOnlyList<T> List(LabelSelector? selector = null)
        => selector is null || selector.IsEverything ? _indexer.List() : ListerFiltering.Filter(_indexer, selector);

    /// <summary>All cached objects that match the label selector text.</summary>
    /// <exception cref="FormatException">The selector is not valid.</exception>
    public IReadOnlyList<T> List(string labelSelector) => List(LabelSelector.Parse(labelSelector));

    /// <summary>Gets a cluster-scoped object by name, or <see langword="null"/> when the cache has none.</summary>
    public T? Get(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return _indexer.GetByKey(name);
    }

    /// <summary>Gets a namespaced object, or <see langword="null"/> when the cache has none.</summary>
    public T? Get(string @namespace, string name) =>
        _cache is { } cache ? cache.GetByNamespaceAndName(@namespace, name) : _indexer.GetByKey(CacheKeys.For(@namespace, name));

    /// <summary>The objects whose index <paramref name="indexName"/> contains <paramref name="value"/>.</summary>
    /// <exception cref="KeyNotFoundException">No index of that name exists.</exception>
    public IReadOnlyList<T> ByIndex(string indexName, string value) => _indexer.ByIndex(indexName, value);

    /// <summary>A lister restricted to one namespace (the empty string means all namespaces, as in client-go).</summary>
    public NamespaceLister<T> Namespace(string @namespace) => new(_indexer, @namespace);
}

/// <summary>
/// Reads an informer's cache within one namespace. Cheap to create; thread-safe.
/// Returned objects are shared with the cache: never mutate them.
/// </summary>
/// <remarks>
/// Uses the <see cref="StandardIndexes.Namespace"/> index when the cache has it (informers always register it),
/// and otherwise scans the whole cache. <see cref="Get"/> returns <see langword="null"/> for a missing object.
/// An empty namespace name reads all namespaces. <see cref="List(LabelSelector?)"/> and <see cref="ByIndex"/>
/// allocate only the array they return (with a selector, the namespace index is visited in place).
/// </remarks>
public class NamespaceLister<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IIndexer<T> _indexer;
    // The informer's cache behind the read-only view, for the allocation-free paths; null for another IIndexer.
    private readonly Indexer<T>? _cache;
    private readonly string _namespace;

    /// <summary>Creates a lister over <paramref name="indexer"/> for <paramref name="namespace"/>.</summary>
    public NamespaceLister(IIndexer<T> indexer, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(indexer);
        ArgumentNullException.ThrowIfNull(@namespace);
        _indexer = indexer;
        _cache = indexer as Indexer<T>;
        _namespace = @namespace;
    }

    /// <summary>The namespace this lister reads.</summary>
    public string NamespaceName => _namespace;

    /// <summary>The namespace's objects that match <paramref name="selector"/> (all of them when null).</summary>
    public IReadOnlyList<T> List(LabelSelector? selector = null)
    {
        var everything = selector is null || selector.IsEverything;
        if (_namespace.Length == 0)
        {
            return everything ? _indexer.List() : ListerFiltering.Filter(_indexer, selector!);
        }

        if (_indexer.Indexers.ContainsKey(StandardIndexes.Namespace))
        {
            if (everything)
            {
                return _indexer.ByIndex(StandardIndexes.Namespace, _namespace);
            }

            // The namespace index is visited in place: only the matching objects are collected.
            return _cache is { } cache
                ? ListerFiltering.FilterIndex(cache, StandardIndexes.Namespace, _namespace, selector!)
                : ListerFiltering.Filter(_indexer.ByIndex(StandardIndexes.Namespace, _namespace), selector!, owned: false);
        }

        return ListerFiltering.Filter(_indexer, selector ?? LabelSelector.Everything, _namespace);
    }

    /// <summary>The namespace's objects that match the label selector text.</summary>
    /// <exception cref="FormatException">The selector is not valid.</exception>
    public IReadOnlyList<T> List(string labelSelector) => List(LabelSelector.Parse(labelSelector));

    /// <summary>Gets an object by name, or <see langword="null"/> when the cache has none.</summary>
    public T? Get(string name) =>
        _cache is { } cache ? cache.GetByNamespaceAndName(_namespace, name) : _indexer.GetByKey(CacheKeys.For(_namespace, name));

    /// <summary>
    /// The namespace's objects whose index <paramref name="indexName"/> contains <paramref name="value"/> (all namespaces
    /// when this lister's namespace is empty).
    /// </summary>
    /// <exception cref="KeyNotFoundException">No index of that name exists.</exception>
    public IReadOnlyList<T> ByIndex(string indexName, string value)
    {
        var matches = _indexer.ByIndex(indexName, value);
        return _namespace.Length == 0 ? matches : ListerFiltering.InNamespace(matches, _namespace, owned: _cache is not null);
    }
}

/// <summary>
/// Shared filtering for listers. Every result is an array of exactly the matching objects: a cache scan collects into a
/// pooled buffer, and a list the cache handed over (a fresh array from the informer's cache) is filtered in place, so
/// no list grows and nothing is copied twice.
/// </summary>
internal static class ListerFiltering
{
    /// <summary>Scans the cache (under its read lock when it is the informer's) for objects in <paramref name="namespace"/> (any when null) matching <paramref name="selector"/>.</summary>
    public static IReadOnlyList<T> Filter<T>(IIndexer<T> indexer, LabelSelector selector, string? @namespace = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (indexer is not Indexer<T> concrete)
        {
            var all = indexer.List();
            return Compact(all, all is T[], static (obj, state) => Accepts(obj, state.selector, state.@namespace), (selector, @namespace));
        }

        var collector = Collector<T>.Take(concrete.Count);
        try
        {
            concrete.ForEach((collector, selector, @namespace), static (state, obj) =>
            {
                if (Accepts(obj, state.selector, state.@namespace))
                {
                    state.collector.Add(obj);
                }
            });
            return collector.ToArray();
        }
        finally
        {
            collector.Return();
        }
    }

    /// <summary>The objects under <paramref name="value"/> in index <paramref name="indexName"/> matching <paramref name="selector"/>, visited under the read lock.</summary>
    public static IReadOnlyList<T> FilterIndex<T>(Indexer<T> indexer, string indexName, string value, LabelSelector selector)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var collector = Collector<T>.Take(indexer.Count);
        try
        {
            indexer.ForEachByIndex(indexName, value, (collector, selector), static (state, obj) =>
            {
                if (state.selector.Matches(obj.Metadata?.Labels))
                {
                    state.collector.Add(obj);
                }
            });
            return collector.ToArray();
        }
        finally
        {
            collector.Return();
        }
    }

    /// <summary>The objects of <paramref name="objects"/> matching <paramref name="selector"/>; filters in place when <paramref name="owned"/> (a fresh array nobody else sees).</summary>
    public static IReadOnlyList<T> Filter<T>(IReadOnlyList<T> objects, LabelSelector selector, bool owned)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => Compact(objects, owned, static (obj, s) => s.Matches(obj.Metadata?.Labels), selector);

    /// <summary>The objects of <paramref name="objects"/> in <paramref name="namespace"/>; filters in place when <paramref name="owned"/>.</summary>
    public static IReadOnlyList<T> InNamespace<T>(IReadOnlyList<T> objects, string @namespace, bool owned)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => Compact(objects, owned, static (obj, ns) => InNamespace(obj, ns), @namespace);

    private static IReadOnlyList<T> Compact<T, TState>(IReadOnlyList<T> objects, bool owned, Func<T, TState, bool> keep, TState state)
        where T : class
    {
        if (owned && objects is T[] array)
        {
            // A fresh array: move the kept objects to the front; when all are kept it is the result itself.
            var kept = 0;
            for (var i = 0; i < array.Length; i++)
            {
                if (keep(array[i], state))
                {
                    array[kept++] = array[i];
                }
            }

            return kept == array.Length ? array : kept == 0 ? [] : array[..kept];
        }

        var count = 0;
        for (var i = 0; i < objects.Count; i++)
        {
            if (keep(objects[i], state))
            {
                count++;
            }
        }

        if (count == 0)
        {
            return [];
        }

        var result = new T[count];
        var next = 0;
        for (var i = 0; i < objects.Count && next < count; i++)
        {
            if (keep(objects[i], state))
            {
                result[next++] = objects[i];
            }
        }

        return result;
    }

    private static bool InNamespace<T>(T obj, string @namespace)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => string.Equals(obj.Metadata?.NamespaceProperty ?? string.Empty, @namespace, StringComparison.Ordinal);

    private static bool Accepts<T>(T obj, LabelSelector selector, string? @namespace)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => (@namespace is null || InNamespace(obj, @namespace)) && selector.Matches(obj.Metadata?.Labels);

    /// <summary>
    /// Collects objects into a pooled buffer (grown from the pool if the cache grew meanwhile), then makes one result
    /// array. One instance per thread, reused: a scan never allocates anything but its result.
    /// </summary>
    private sealed class Collector<T> where T : class
    {
        [ThreadStatic]
        private static Collector<T>? t_cached;

        private T[] _buffer = [];
        private int _count;

        public static Collector<T> Take(int capacity)
        {
            var collector = t_cached ?? new Collector<T>();
            t_cached = null; // not shared with a nested scan on this thread
            collector._buffer = ArrayPool<T>.Shared.Rent(Math.Max(capacity, 16));
            collector._count = 0;
            return collector;
        }

        public void Add(T obj)
        {
            if (_count == _buffer.Length)
            {
                var bigger = ArrayPool<T>.Shared.Rent(_buffer.Length * 2);
                Array.Copy(_buffer, bigger, _count);
                Array.Clear(_buffer, 0, _count);
                ArrayPool<T>.Shared.Return(_buffer);
                _buffer = bigger;
            }

            _buffer[_count++] = obj;
        }

        public T[] ToArray() => _count == 0 ? [] : _buffer[.._count];

        /// <summary>Gives the buffer back to the pool, cleared so the pool keeps no cached object alive, and the collector to the thread.</summary>
        public void Return()
        {
            Array.Clear(_buffer, 0, _count);
            ArrayPool<T>.Shared.Return(_buffer);
            _buffer = [];
            _count = 0;
            t_cached = this;
        }
    }
}
