using k8s;
using k8s.Models;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// What an <see cref="IObjectReconciler{TPrimary}"/> is given: the key, the primary object as the cache holds it now (or
/// null when it is gone: deleted, or never seen), and lookups of the children it controls through the owner index. The
/// object is the cached, shared instance: never mutate it (copy first). Valid for the one reconcile it was made for.
/// </summary>
/// <typeparam name="TPrimary">The primary object type.</typeparam>
public sealed class ReconcileContext<TPrimary> where TPrimary : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IReadOnlyDictionary<Type, object> _ownedListers;

    internal ReconcileContext(string controller, string key, TPrimary? obj, IReadOnlyDictionary<Type, object> ownedListers)
    {
        ControllerName = controller;
        Key = key;
        (Namespace, Name) = CacheKeys.Split(key);
        Object = obj;
        _ownedListers = ownedListers;
    }

    /// <summary>The controller's name.</summary>
    public string ControllerName { get; }

    /// <summary>The cache key, <c>namespace/name</c> (or <c>name</c>).</summary>
    public string Key { get; }

    /// <summary>The namespace ("" for cluster-scoped objects).</summary>
    public string Namespace { get; }

    /// <summary>The name.</summary>
    public string Name { get; }

    /// <summary>The cached primary object, or null when it is gone. Shared with every reader: do not mutate.</summary>
    public TPrimary? Object { get; }

    /// <summary>Whether the primary is gone from the cache (deleted). Clean-up of what it owned is the garbage collector's,
    /// or a finalizer's when it needs more.</summary>
    public bool IsGone => Object is null;

    /// <summary>
    /// The cached <typeparamref name="TChild"/> objects whose controlling owner is this primary (by UID, through the owner
    /// index): one index lookup. Empty when the primary is gone. Shared instances: do not mutate.
    /// </summary>
    /// <exception cref="InvalidOperationException">The controller does not <c>Owns&lt;TChild&gt;()</c>.</exception>
    public IReadOnlyList<TChild> Owned<TChild>() where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        if (!_ownedListers.TryGetValue(typeof(TChild), out var lister))
        {
            throw new InvalidOperationException($"Controller '{ControllerName}' does not own {typeof(TChild).Name}: call Owns<{typeof(TChild).Name}>() when building it.");
        }
        return Object?.Metadata?.Uid is { Length: > 0 } uid ? OwnerIndex.ControlledBy((Lister<TChild>)lister, uid) : [];
    }
}
