namespace KubeInformers;

/// <summary>
/// Reads an informer's cache across all namespaces. Cheap to create; thread-safe.
/// Returned objects are shared with the cache and every other reader: never mutate them.
/// </summary>
public class Lister<T> where T : class, k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
{
    /// <summary>Creates a lister over <paramref name="indexer"/>.</summary>
    public Lister(IIndexer<T> indexer) => throw new NotImplementedException();

    /// <summary>The cache this lister reads.</summary>
    public IIndexer<T> Indexer => throw new NotImplementedException();

    /// <summary>All cached objects that match <paramref name="selector"/> (all of them when null).</summary>
    public IReadOnlyList<T> List(LabelSelector? selector = null) => throw new NotImplementedException();

    /// <summary>All cached objects that match the label selector text.</summary>
    /// <exception cref="FormatException">The selector is not valid.</exception>
    public IReadOnlyList<T> List(string labelSelector) => throw new NotImplementedException();

    /// <summary>Gets a cluster-scoped object by name, or <see langword="null"/> when the cache has none.</summary>
    public T? Get(string name) => throw new NotImplementedException();

    /// <summary>Gets a namespaced object, or <see langword="null"/> when the cache has none.</summary>
    public T? Get(string @namespace, string name) => throw new NotImplementedException();

    /// <summary>The objects whose index <paramref name="indexName"/> contains <paramref name="value"/>.</summary>
    public IReadOnlyList<T> ByIndex(string indexName, string value) => throw new NotImplementedException();

    /// <summary>A lister restricted to one namespace.</summary>
    public NamespaceLister<T> Namespace(string @namespace) => throw new NotImplementedException();
}

/// <summary>
/// Reads an informer's cache within one namespace. Cheap to create; thread-safe.
/// Returned objects are shared with the cache: never mutate them.
/// </summary>
public class NamespaceLister<T> where T : class, k8s.IKubernetesObject<k8s.Models.V1ObjectMeta>
{
    /// <summary>Creates a lister over <paramref name="indexer"/> for <paramref name="namespace"/>.</summary>
    public NamespaceLister(IIndexer<T> indexer, string @namespace) => throw new NotImplementedException();

    /// <summary>The namespace this lister reads.</summary>
    public string NamespaceName => throw new NotImplementedException();

    /// <summary>The namespace's objects that match <paramref name="selector"/> (all of them when null).</summary>
    public IReadOnlyList<T> List(LabelSelector? selector = null) => throw new NotImplementedException();

    /// <summary>The namespace's objects that match the label selector text.</summary>
    /// <exception cref="FormatException">The selector is not valid.</exception>
    public IReadOnlyList<T> List(string labelSelector) => throw new NotImplementedException();

    /// <summary>Gets an object by name, or <see langword="null"/> when the cache has none.</summary>
    public T? Get(string name) => throw new NotImplementedException();
}
