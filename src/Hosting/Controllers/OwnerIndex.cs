using k8s;
using k8s.Models;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// The controlling owner of an object (the owner reference with <c>controller: true</c>; Kubernetes allows at most one) and
/// an informer index of objects by that owner's UID, so "the Deployments this WebApp controls" is one index lookup, not a
/// scan of the cache. <see cref="ControllerBuilder{TPrimary}.Owns{TChild}"/> adds the index to the child informer; adding it
/// again (another controller owning the same child type) is a no-op. Thread-safe.
/// </summary>
public static class OwnerIndex
{
    /// <summary>The index name: values are the UID of the object's controlling owner.</summary>
    public const string ByControllerUid = "kubeinformers.io/controller-uid";

    /// <summary>The owner reference with <c>controller: true</c>, or null.</summary>
    public static V1OwnerReference? ControllerOf(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        if (obj.Metadata?.OwnerReferences is not { } owners)
        {
            return null;
        }
        foreach (var owner in owners)
        {
            if (owner.Controller == true)
            {
                return owner;
            }
        }
        return null;
    }

    /// <summary>Whether <paramref name="owner"/> names an object of <paramref name="kind"/> in API group <paramref name="group"/> (any group when null; the version is ignored, as an owner may be referenced at any served version).</summary>
    public static bool Refers(V1OwnerReference owner, string kind, string? group)
    {
        ArgumentNullException.ThrowIfNull(owner);
        return owner.Kind == kind && (group is null || GroupOf(owner.ApiVersion) == group);
    }

    /// <summary>Adds the <see cref="ByControllerUid"/> index to <paramref name="informer"/> unless it has one.</summary>
    public static void EnsureOn<T>(SharedIndexInformer<T> informer) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(informer);
        if (informer.Indexer.Indexers.ContainsKey(ByControllerUid))
        {
            return;
        }
        try
        {
            informer.AddIndexers(new Dictionary<string, IndexFunc<T>> { [ByControllerUid] = ControllerUid });
        }
        catch (ArgumentException) when (informer.Indexer.Indexers.ContainsKey(ByControllerUid))
        {
            // added concurrently by another controller: the same function, so nothing is lost
        }
    }

    /// <summary>The objects in <paramref name="lister"/>'s cache whose controlling owner has <paramref name="ownerUid"/>.</summary>
    /// <exception cref="KeyNotFoundException">The informer has no owner index (the controller does not <c>Own</c> that type).</exception>
    public static IReadOnlyList<T> ControlledBy<T>(Lister<T> lister, string ownerUid) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(lister);
        ArgumentException.ThrowIfNullOrEmpty(ownerUid);
        return lister.ByIndex(ByControllerUid, ownerUid);
    }

    private static IEnumerable<string> ControllerUid<T>(T obj) where T : class, IKubernetesObject<V1ObjectMeta> =>
        ControllerOf(obj)?.Uid is { Length: > 0 } uid ? [uid] : [];

    internal static string GroupOf(string? apiVersion)
    {
        if (string.IsNullOrEmpty(apiVersion))
        {
            return "";
        }
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : apiVersion[..slash];
    }
}
