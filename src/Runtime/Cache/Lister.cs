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
/// the cache is an <see cref="Indexer{T}"/>.</para>
/// </remarks>
public class Lister<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IIndexer<T> _indexer;

    /// <summary>Creates a lister over <paramref name="indexer"/>.</summary>
    public Lister(IIndexer<T> indexer)
    {
        ArgumentNullException.ThrowIfNull(indexer);
        _indexer = indexer;
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
        _indexer is Indexer<T> indexer ? indexer.GetByNamespaceAndName(@namespace, name) : _indexer.GetByKey(CacheKeys.For(@namespace, name));

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
/// An empty namespace name reads all namespaces.
/// </remarks>
public class NamespaceLister<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IIndexer<T> _indexer;
    private readonly string _namespace;

    /// <summary>Creates a lister over <paramref name="indexer"/> for <paramref name="namespace"/>.</summary>
    public NamespaceLister(IIndexer<T> indexer, string @namespace)
    {
        ArgumentNullException.ThrowIfNull(indexer);
        ArgumentNullException.ThrowIfNull(@namespace);
        _indexer = indexer;
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
            var inNamespace = _indexer.ByIndex(StandardIndexes.Namespace, _namespace);
            return everything ? inNamespace : ListerFiltering.Filter(inNamespace, selector!);
        }

        return ListerFiltering.Filter(_indexer, selector ?? LabelSelector.Everything, _namespace);
    }

    /// <summary>The namespace's objects that match the label selector text.</summary>
    /// <exception cref="FormatException">The selector is not valid.</exception>
    public IReadOnlyList<T> List(string labelSelector) => List(LabelSelector.Parse(labelSelector));

    /// <summary>Gets an object by name, or <see langword="null"/> when the cache has none.</summary>
    public T? Get(string name) =>
        _indexer is Indexer<T> indexer ? indexer.GetByNamespaceAndName(_namespace, name) : _indexer.GetByKey(CacheKeys.For(_namespace, name));
}

/// <summary>Shared filtering for listers.</summary>
internal static class ListerFiltering
{
    public static IReadOnlyList<T> Filter<T>(IIndexer<T> indexer, LabelSelector selector, string? @namespace = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var result = new List<T>();
        if (indexer is Indexer<T> concrete)
        {
            concrete.ForEach((result, selector, @namespace), static (state, obj) =>
            {
                if (Accepts(obj, state.selector, state.@namespace))
                {
                    state.result.Add(obj);
                }
            });
            return result;
        }

        foreach (var obj in indexer.List())
        {
            if (Accepts(obj, selector, @namespace))
            {
                result.Add(obj);
            }
        }

        return result;
    }

    public static IReadOnlyList<T> Filter<T>(IReadOnlyList<T> objects, LabelSelector selector)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var result = new List<T>();
        foreach (var obj in objects)
        {
            if (selector.Matches(obj.Metadata?.Labels))
            {
                result.Add(obj);
            }
        }

        return result;
    }

    private static bool Accepts<T>(T obj, LabelSelector selector, string? @namespace)
        where T : class, IKubernetesObject<V1ObjectMeta>
        => (@namespace is null || string.Equals(obj.Metadata?.NamespaceProperty ?? string.Empty, @namespace, StringComparison.Ordinal))
           && selector.Matches(obj.Metadata?.Labels);
}
