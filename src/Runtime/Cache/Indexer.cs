using System.Diagnostics.CodeAnalysis;

namespace KubeInformers;

/// <summary>The index every informer cache has: objects by namespace.</summary>
public static class StandardIndexes
{
    /// <summary>The name of the namespace index.</summary>
    public const string Namespace = "namespace";
}

/// <summary>
/// A thread-safe object store keyed by <see cref="CacheKeys"/> with named, multi-valued indexes.
/// One writer (the informer) and any number of concurrent readers; readers never wait on a writer longer than a swap.
/// Only the informer that owns it writes to it; everyone else reads it through <see cref="IIndexer{T}"/>.
/// </summary>
public sealed class Indexer<T> : IIndexer<T> where T : class
{
    /// <summary>Creates a store.</summary>
    /// <param name="keyFunc">Computes an object's key.</param>
    /// <param name="indexers">The initial index functions, by name.</param>
    public Indexer(Func<T, string> keyFunc, IReadOnlyDictionary<string, IndexFunc<T>>? indexers = null) => throw new NotImplementedException();

    /// <inheritdoc/>
    public int Count => throw new NotImplementedException();
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, IndexFunc<T>> Indexers => throw new NotImplementedException();

    /// <summary>Adds or replaces an object.</summary>
    public void Add(T obj) => throw new NotImplementedException();
    /// <summary>Adds or replaces an object.</summary>
    public void Update(T obj) => throw new NotImplementedException();
    /// <summary>Removes an object (by its key).</summary>
    public void Delete(T obj) => throw new NotImplementedException();
    /// <summary>Replaces the whole content and rebuilds the indexes.</summary>
    public void Replace(IEnumerable<T> items) => throw new NotImplementedException();

    /// <summary>Adds index functions; existing objects are indexed at once.</summary>
    /// <exception cref="ArgumentException">An index of one of these names already exists.</exception>
    public void AddIndexers(IReadOnlyDictionary<string, IndexFunc<T>> indexers) => throw new NotImplementedException();

    /// <inheritdoc/>
    public T? GetByKey(string key) => throw new NotImplementedException();
    /// <inheritdoc/>
    public bool TryGetByKey(string key, [MaybeNullWhen(false)] out T obj) => throw new NotImplementedException();
    /// <inheritdoc/>
    public IReadOnlyList<string> ListKeys() => throw new NotImplementedException();
    /// <inheritdoc/>
    public IReadOnlyList<T> List() => throw new NotImplementedException();
    /// <inheritdoc/>
    public IReadOnlyList<T> ByIndex(string indexName, string indexedValue) => throw new NotImplementedException();
    /// <inheritdoc/>
    public IReadOnlyList<string> IndexKeys(string indexName, string indexedValue) => throw new NotImplementedException();
    /// <inheritdoc/>
    public IReadOnlyList<string> ListIndexFuncValues(string indexName) => throw new NotImplementedException();
    /// <inheritdoc/>
    public IReadOnlyList<T> Index(string indexName, T obj) => throw new NotImplementedException();
}
