using k8s;
using k8s.Models;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// The usual <see cref="ChangePredicate{T}"/>s, as controller-runtime's <c>predicate</c> package has them. The "changed"
/// predicates filter updates only: adds and deletes pass.
/// </summary>
public static class ChangePredicates
{
    /// <summary>
    /// Updates pass only when <c>metadata.generation</c> changed, i.e. the spec changed (status-only writes and resyncs are
    /// dropped). Types the API server keeps no generation for (ConfigMaps, Secrets…) never pass an update: use
    /// <see cref="ResourceVersionChanged{T}"/> for those.
    /// </summary>
    public static ChangePredicate<T> GenerationChanged<T>() where T : class, IKubernetesObject<V1ObjectMeta> =>
        new() { Update = (o, n) => o.Metadata?.Generation != n.Metadata?.Generation };

    /// <summary>Updates pass when <c>metadata.resourceVersion</c> changed: every real change passes, periodic resyncs do not.</summary>
    public static ChangePredicate<T> ResourceVersionChanged<T>() where T : class, IKubernetesObject<V1ObjectMeta> =>
        new() { Update = (o, n) => o.Metadata?.ResourceVersion != n.Metadata?.ResourceVersion };

    /// <summary>Updates pass when the labels changed (compared as sets of key/value pairs).</summary>
    public static ChangePredicate<T> LabelsChanged<T>() where T : class, IKubernetesObject<V1ObjectMeta> =>
        new() { Update = (o, n) => !SameMap(o.Metadata?.Labels, n.Metadata?.Labels) };

    /// <summary>Updates pass when the annotations changed (compared as sets of key/value pairs).</summary>
    public static ChangePredicate<T> AnnotationsChanged<T>() where T : class, IKubernetesObject<V1ObjectMeta> =>
        new() { Update = (o, n) => !SameMap(o.Metadata?.Annotations, n.Metadata?.Annotations) };

    /// <summary>A notification passes when <paramref name="filter"/> accepts the object (for an update: the new object).</summary>
    public static ChangePredicate<T> Where<T>(Func<T, bool> filter) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(filter);
        return new() { Add = filter, Update = (_, n) => filter(n), Delete = filter };
    }

    private static bool SameMap(IDictionary<string, string>? a, IDictionary<string, string>? b)
    {
        var countA = a?.Count ?? 0;
        var countB = b?.Count ?? 0;
        if (countA != countB)
        {
            return false;
        }
        if (countA == 0)
        {
            return true;
        }
        foreach (var (key, value) in a!)
        {
            if (!b!.TryGetValue(key, out var other) || !string.Equals(value, other, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }
}
