using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace KubeInformers;

/// <summary>Options of a <see cref="SharedIndexInformer{T}"/>.</summary>
public sealed record SharedIndexInformerOptions<T> where T : class
{
    /// <summary>The resource watched (for logs, metrics and factories).</summary>
    public required ResourceDescriptor Resource { get; init; }
    /// <summary>Default resync period of handlers added without one; zero disables resync.</summary>
    public TimeSpan DefaultResyncPeriod { get; init; }
    /// <summary>Index functions besides the namespace index, which is always present.</summary>
    public IReadOnlyDictionary<string, IndexFunc<T>>? Indexers { get; init; }
    /// <summary>Runs once on every object before it is cached (e.g. to drop managedFields). Must be idempotent.</summary>
    public Func<T, T>? Transform { get; init; }
    /// <summary>Reflector options (paging, backoff, watch timeout, streaming list).</summary>
    public ReflectorOptions Reflector { get; init; } = new();
}

/// <summary>
/// One cache of one resource, shared by any number of handlers. A reflector feeds a <see cref="DeltaFifo{T}"/>; a single loop
/// pops it, updates the <see cref="Indexer"/> and hands notifications to each handler's own unbounded buffer and loop,
/// so a slow or failing handler delays only itself. Thread-safe.
/// </summary>
public sealed class SharedIndexInformer<T> : ISharedInformer where T : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Creates an informer.</summary>
    public SharedIndexInformer(IListWatch<T> listWatch, SharedIndexInformerOptions<T> options,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) => throw new NotImplementedException();

    /// <summary>The cache (read-only view; objects are shared, never mutate them).</summary>
    public IIndexer<T> Indexer => throw new NotImplementedException();

    /// <summary>A lister over the cache.</summary>
    public Lister<T> Lister => throw new NotImplementedException();

    /// <inheritdoc/>
    public ResourceDescriptor Resource => throw new NotImplementedException();
    /// <inheritdoc/>
    public Type ObjectType => typeof(T);
    /// <inheritdoc/>
    public bool HasSynced => throw new NotImplementedException();
    /// <inheritdoc/>
    public bool IsStarted => throw new NotImplementedException();
    /// <inheritdoc/>
    public bool IsStopped => throw new NotImplementedException();
    /// <inheritdoc/>
    public string? LastSyncResourceVersion => throw new NotImplementedException();
    /// <inheritdoc/>
    public Exception? LastError => throw new NotImplementedException();
    /// <inheritdoc/>
    public DateTimeOffset? LastActivity => throw new NotImplementedException();
    /// <inheritdoc/>
    public int CacheCount => throw new NotImplementedException();

    /// <summary>
    /// Registers a handler with its own resync period (null: the informer's default; floored at 1 s). A handler added while
    /// running first receives the whole cache as adds.
    /// </summary>
    /// <exception cref="InvalidOperationException">The informer has stopped.</exception>
    public IEventHandlerRegistration AddEventHandler(IResourceEventHandler<T> handler, TimeSpan? resyncPeriod = null) => throw new NotImplementedException();

    /// <summary>Unregisters a handler; it receives nothing more. Idempotent.</summary>
    public void RemoveEventHandler(IEventHandlerRegistration registration) => throw new NotImplementedException();

    /// <summary>Adds index functions; allowed before and after start (existing objects are indexed).</summary>
    /// <exception cref="ArgumentException">An index of that name exists.</exception>
    /// <exception cref="InvalidOperationException">The informer has stopped.</exception>
    public void AddIndexers(IReadOnlyDictionary<string, IndexFunc<T>> indexers) => throw new NotImplementedException();

    /// <summary>Sets the watch error handler (called on every list/watch error).</summary>
    /// <exception cref="InvalidOperationException">The informer has started.</exception>
    public void SetWatchErrorHandler(Action<Exception> handler) => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task RunAsync(CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <inheritdoc/>
    public Task<bool> WaitForCacheSyncAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();
}
