using k8s;
using k8s.Models;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// Feeds a <see cref="Controller{TKey}"/> of cache keys from informers: the primary objects themselves
/// (<see cref="Watch{T}"/>), owned objects mapped to their controlling owner (<see cref="WatchOwned{T}(Controller{string}, SharedIndexInformer{T}, ResourceDescriptor, ChangePredicate{T}?, TimeSpan?)"/>),
/// or any mapping (<see cref="WatchMapped{T}"/>). Each registers one handler on the informer, filtered by an optional
/// <see cref="ChangePredicate{T}"/>, with its own resync period. <see cref="ControllerBuilder{TPrimary}"/> is the usual way in.
/// </summary>
public static class ControllerInformerExtensions
{
    /// <summary>
    /// Enqueues the cache key (<c>namespace/name</c>) of every object <paramref name="informer"/> adds, updates, resyncs or
    /// deletes that passes <paramref name="predicate"/>. Returns the handler registration (its buffer depth is reported as a
    /// metric when the controller has metrics).
    /// </summary>
    public static IEventHandlerRegistration Watch<T>(this Controller<string> controller, SharedIndexInformer<T> informer,
        ChangePredicate<T>? predicate = null, TimeSpan? resyncPeriod = null) where T : class, IKubernetesObject<V1ObjectMeta> =>
        controller.WatchMapped(informer, static obj => [CacheKeys.MetaNamespaceKey(obj)], predicate, resyncPeriod);

    /// <summary>
    /// Enqueues the keys <paramref name="map"/> returns for every notification of <paramref name="informer"/> that passes
    /// <paramref name="predicate"/> (for an update: the keys of the old and of the new object, so an object that moved
    /// from one primary to another reconciles both). <paramref name="map"/> runs on the handler thread and must not mutate
    /// the cached object it is given.
    /// </summary>
    public static IEventHandlerRegistration WatchMapped<T>(this Controller<string> controller, SharedIndexInformer<T> informer,
        Func<T, IEnumerable<string>> map, ChangePredicate<T>? predicate = null, TimeSpan? resyncPeriod = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(informer);
        ArgumentNullException.ThrowIfNull(map);
        var filter = predicate ?? ChangePredicate<T>.All;
        void EnqueueAll(T obj)
        {
            foreach (var key in map(obj))
            {
                controller.Enqueue(key);
            }
        }
        var registration = informer.AddEventHandler(new ResourceEventHandler<T>
        {
            Added = (obj, _) =>
            {
                if (filter.PassesAdd(obj))
                {
                    EnqueueAll(obj);
                }
            },
            Updated = (old, obj) =>
            {
                if (filter.PassesUpdate(old, obj))
                {
                    EnqueueAll(old);
                    EnqueueAll(obj);
                }
            },
            Deleted = (obj, _) =>
            {
                if (filter.PassesDelete(obj))
                {
                    EnqueueAll(obj);
                }
            },
        }, resyncPeriod);
        controller.TrackHandler(informer.Resource.ToString(), registration);
        return registration;
    }

    /// <summary>
    /// Enqueues the controlling owner of every object <paramref name="informer"/> reports, when that owner (the owner
    /// reference with <c>controller: true</c>) is of <paramref name="owner"/>'s kind and group: its key is
    /// <c>namespace/name</c> in the object's namespace (just the name for a cluster-scoped owner). Adds the
    /// <see cref="OwnerIndex.ByControllerUid"/> index to the informer, so a reconcile can list what it controls.
    /// </summary>
    public static IEventHandlerRegistration WatchOwned<T>(this Controller<string> controller, SharedIndexInformer<T> informer,
        ResourceDescriptor owner, ChangePredicate<T>? predicate = null, TimeSpan? resyncPeriod = null)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(informer);
        OwnerIndex.EnsureOn(informer);
        return controller.WatchMapped(informer, obj => OwnerKey(obj, owner.Kind, owner.Group, owner.Namespaced), predicate, resyncPeriod);
    }

    /// <summary>
    /// As <see cref="WatchOwned{T}(Controller{string}, SharedIndexInformer{T}, ResourceDescriptor, ChangePredicate{T}?, TimeSpan?)"/>
    /// for a namespaced owner named by kind and group (any group when <paramref name="ownerGroup"/> is null).
    /// </summary>
    public static IEventHandlerRegistration WatchOwned<T>(this Controller<string> controller, SharedIndexInformer<T> informer,
        string ownerKind, string? ownerGroup = null) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentException.ThrowIfNullOrEmpty(ownerKind);
        ArgumentNullException.ThrowIfNull(informer);
        OwnerIndex.EnsureOn(informer);
        return controller.WatchMapped(informer, obj => OwnerKey(obj, ownerKind, ownerGroup, namespaced: true));
    }

    private static IEnumerable<string> OwnerKey<T>(T obj, string kind, string? group, bool namespaced) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        if (OwnerIndex.ControllerOf(obj) is not { } owner || !OwnerIndex.Refers(owner, kind, group) || string.IsNullOrEmpty(owner.Name))
        {
            return [];
        }
        return [namespaced ? CacheKeys.For(obj.Metadata.NamespaceProperty, owner.Name) : owner.Name];
    }
}
