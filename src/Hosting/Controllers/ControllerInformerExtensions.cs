using k8s;
using k8s.Models;

namespace KubeInformers.Hosting.Controllers;

/// <summary>Feeds a <see cref="Controller{TKey}"/> of cache keys from informers.</summary>
public static class ControllerInformerExtensions
{
    /// <summary>
    /// Enqueues the cache key (<c>namespace/name</c>) of every object <paramref name="informer"/> adds, updates, resyncs or
    /// deletes. Returns the handler registration (its buffer depth is reported as a metric when the controller has metrics).
    /// </summary>
    public static IEventHandlerRegistration Watch<T>(this Controller<string> controller, SharedIndexInformer<T> informer,
        TimeSpan? resyncPeriod = null) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(informer);
        var registration = informer.AddEventHandler(new ResourceEventHandler<T>
        {
            Added = (obj, _) => controller.Enqueue(CacheKeys.MetaNamespaceKey(obj)),
            Updated = (_, obj) => controller.Enqueue(CacheKeys.MetaNamespaceKey(obj)),
            Deleted = (obj, _) => controller.Enqueue(CacheKeys.MetaNamespaceKey(obj)),
        }, resyncPeriod);
        controller.TrackHandler(informer.Resource.ToString(), registration);
        return registration;
    }

    /// <summary>
    /// Enqueues the owner of every object <paramref name="informer"/> reports: for each owner reference with
    /// <c>controller: true</c> (or any, when <paramref name="controllerOnly"/> is false) whose kind is
    /// <paramref name="ownerKind"/> and whose <c>apiVersion</c> group is <paramref name="ownerGroup"/> (any when null), the key
    /// <c>namespace/ownerName</c> in the object's namespace. So a change to an owned ConfigMap reconciles its owner.
    /// </summary>
    public static IEventHandlerRegistration WatchOwned<T>(this Controller<string> controller, SharedIndexInformer<T> informer,
        string ownerKind, string? ownerGroup = null, bool controllerOnly = true) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(controller);
        ArgumentNullException.ThrowIfNull(informer);
        ArgumentException.ThrowIfNullOrEmpty(ownerKind);
        void EnqueueOwners(T obj)
        {
            if (obj.Metadata?.OwnerReferences is not { } owners)
            {
                return;
            }
            foreach (var owner in owners)
            {
                if (owner.Kind != ownerKind || (controllerOnly && owner.Controller != true))
                {
                    continue;
                }
                if (ownerGroup is not null && GroupOf(owner.ApiVersion) != ownerGroup)
                {
                    continue;
                }
                controller.Enqueue(CacheKeys.For(obj.Metadata.NamespaceProperty, owner.Name));
            }
        }
        var registration = informer.AddEventHandler(new ResourceEventHandler<T>
        {
            Added = (obj, _) => EnqueueOwners(obj),
            Updated = (old, obj) =>
            {
                EnqueueOwners(old);
                EnqueueOwners(obj);
            },
            Deleted = (obj, _) => EnqueueOwners(obj),
        });
        controller.TrackHandler(informer.Resource.ToString(), registration);
        return registration;
    }

    private static string GroupOf(string? apiVersion)
    {
        if (string.IsNullOrEmpty(apiVersion))
        {
            return "";
        }
        var slash = apiVersion.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? "" : apiVersion[..slash];
    }
}
