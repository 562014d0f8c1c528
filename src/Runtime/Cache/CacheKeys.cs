using k8s;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// Cache keys as client-go forms them: <c>namespace/name</c> for namespaced objects, <c>name</c> for cluster-scoped ones.
/// </summary>
/// <remarks>
/// Pure functions, thread-safe. Keys are what <see cref="Indexer{T}"/> and <see cref="DeltaFifo{T}"/> store objects under,
/// so every component of one informer must use the same key function (normally <see cref="MetaNamespaceKey"/>).
/// </remarks>
public static class CacheKeys
{
    /// <summary>The key of <paramref name="obj"/>: <c>namespace/name</c>, or <c>name</c> when it has no namespace.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="obj"/> is null.</exception>
    /// <exception cref="ArgumentException">The object has no metadata or no name.</exception>
    public static string MetaNamespaceKey(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var metadata = obj.Metadata
            ?? throw new ArgumentException($"The {obj.Kind ?? obj.GetType().Name} has no metadata, so it has no cache key.", nameof(obj));
        if (string.IsNullOrEmpty(metadata.Name))
        {
            throw new ArgumentException(
                $"The {obj.Kind ?? obj.GetType().Name} has no metadata.name (generateName '{metadata.GenerateName}'), so it has no cache key.",
                nameof(obj));
        }

        return For(metadata.NamespaceProperty, metadata.Name);
    }

    /// <summary>The key for a name in a namespace (<paramref name="namespace"/> null or empty for cluster-scoped objects).</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public static string For(string? @namespace, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return string.IsNullOrEmpty(@namespace) ? name : string.Concat(@namespace, "/", name);
    }

    /// <summary>Splits a key into its namespace (empty for cluster-scoped) and name.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="key"/> is null.</exception>
    /// <exception cref="FormatException">The key has more than one <c>/</c>.</exception>
    public static (string Namespace, string Name) Split(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var slash = key.IndexOf('/');
        if (slash < 0)
        {
            return (string.Empty, key);
        }

        if (key.IndexOf('/', slash + 1) >= 0)
        {
            throw new FormatException($"The cache key '{key}' has more than one '/'; expected 'namespace/name' or 'name'.");
        }

        return (key[..slash], key[(slash + 1)..]);
    }
}
