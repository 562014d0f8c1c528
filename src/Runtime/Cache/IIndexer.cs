namespace KubeInformers;

/// <summary>
/// Computes the index values of an object, for example its node name or each of its owner UIDs.
/// Return an empty sequence for objects that should not be indexed. Must not throw.
/// </summary>
public delegate IEnumerable<string> IndexFunc<in T>(T obj);

/// <summary>
/// The read side of an informer's cache: thread-safe lookups by key and by named index. It has no write member: only
/// the informer that owns the cache writes it (<see cref="SharedIndexInformer{T}.Indexer"/> hands out this view).
/// Returned objects are shared with every other reader: never mutate them (copy first).
/// </summary>
public interface IIndexer<T> : IKnownObjects<T> where T : class
{
    /// <summary>The number of objects cached.</summary>
    int Count { get; }

    /// <summary>The object stored under <paramref name="key"/>, or <see langword="null"/>.</summary>
    T? GetByKey(string key);

    /// <summary>All cached objects (a new list; the objects are shared).</summary>
    IReadOnlyList<T> List();

    /// <summary>The objects whose index <paramref name="indexName"/> contains <paramref name="indexedValue"/>.</summary>
    /// <exception cref="KeyNotFoundException">No index of that name exists.</exception>
    IReadOnlyList<T> ByIndex(string indexName, string indexedValue);

    /// <summary>The keys of the objects whose index <paramref name="indexName"/> contains <paramref name="indexedValue"/>.</summary>
    /// <exception cref="KeyNotFoundException">No index of that name exists.</exception>
    IReadOnlyList<string> IndexKeys(string indexName, string indexedValue);

    /// <summary>Every value present in index <paramref name="indexName"/>.</summary>
    /// <exception cref="KeyNotFoundException">No index of that name exists.</exception>
    IReadOnlyList<string> ListIndexFuncValues(string indexName);

    /// <summary>The objects that share any index value with <paramref name="obj"/> in index <paramref name="indexName"/>.</summary>
    /// <exception cref="KeyNotFoundException">No index of that name exists.</exception>
    IReadOnlyList<T> Index(string indexName, T obj);

    /// <summary>The index functions, by name.</summary>
    IReadOnlyDictionary<string, IndexFunc<T>> Indexers { get; }
}
