using k8s;
using k8s.Models;

namespace KubeInformers;

/// <summary>
/// Cache keys as client-go forms them: <c>namespace/name</c> for namespaced objects, <c>name</c> for cluster-scoped ones.
/// </summary>
public static class CacheKeys
{
    /// <summary>The key of <paramref name="obj"/>: <c>namespace/name</c>, or <c>name</c> when it has no namespace.</summary>
    /// <exception cref="ArgumentException">The object has no metadata or no name.</exception>
    public static string MetaNamespaceKey(IKubernetesObject<V1ObjectMeta> obj) => throw new NotImplementedException();

    /// <summary>The key for a name in a namespace (<paramref name="namespace"/> null or empty for cluster-scoped objects).</summary>
    public static string For(string? @namespace, string name) => throw new NotImplementedException();

    /// <summary>Splits a key into its namespace (empty for cluster-scoped) and name.</summary>
    /// <exception cref="FormatException">The key has more than one <c>/</c>.</exception>
    public static (string Namespace, string Name) Split(string key) => throw new NotImplementedException();
}
