namespace KubeInformers;

/// <summary>
/// Receives an informer's notifications for one handler registration, on that registration's own loop
/// (calls for one registration never overlap). Objects are shared with the cache: never mutate them.
/// </summary>
public interface IResourceEventHandler<in T> where T : class
{
    /// <summary>An object appeared in the cache.</summary>
    /// <param name="obj">The object.</param>
    /// <param name="isInInitialList">True while delivering the informer's initial list (or, for a late handler, the existing cache).</param>
    void OnAdd(T obj, bool isInInitialList);

    /// <summary>An object changed, or a resync re-delivered it (then <paramref name="oldObj"/> and <paramref name="newObj"/> have the same resourceVersion).</summary>
    void OnUpdate(T oldObj, T newObj);

    /// <summary>An object was deleted.</summary>
    /// <param name="obj">Its last known state.</param>
    /// <param name="finalStateUnknown">True when the delete was missed while the watch was down and inferred by a relist: <paramref name="obj"/> may be stale.</param>
    void OnDelete(T obj, bool finalStateUnknown);
}

/// <summary>An <see cref="IResourceEventHandler{T}"/> made of delegates; unset ones do nothing.</summary>
public sealed class ResourceEventHandler<T> : IResourceEventHandler<T> where T : class
{
    /// <summary>Called for adds.</summary>
    public Action<T, bool>? Added { get; init; }
    /// <summary>Called for updates and resyncs.</summary>
    public Action<T, T>? Updated { get; init; }
    /// <summary>Called for deletes.</summary>
    public Action<T, bool>? Deleted { get; init; }

    /// <inheritdoc/>
    public void OnAdd(T obj, bool isInInitialList) => Added?.Invoke(obj, isInInitialList);
    /// <inheritdoc/>
    public void OnUpdate(T oldObj, T newObj) => Updated?.Invoke(oldObj, newObj);
    /// <inheritdoc/>
    public void OnDelete(T obj, bool finalStateUnknown) => Deleted?.Invoke(obj, finalStateUnknown);
}

/// <summary>A handler registration, returned by <see cref="SharedIndexInformer{T}.AddEventHandler(IResourceEventHandler{T}, TimeSpan?)"/>.</summary>
public interface IEventHandlerRegistration
{
    /// <summary>True once the informer has synced and this handler has received every notification of the initial list.</summary>
    bool HasSynced { get; }

    /// <summary>How many notifications wait in this handler's buffer.</summary>
    int PendingNotifications { get; }
}
