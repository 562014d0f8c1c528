using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
/// One cache of one resource, shared by any number of handlers. A reflector feeds a <see cref="DeltaFifo{T}"/>, which the
/// reflector's own thread drains right after each write: every popped change updates the <see cref="Indexer"/> and is
/// handed to each handler's own unbounded buffer and loop, so a slow or failing handler delays only itself. Thread-safe.
/// </summary>
/// <remarks>
/// <para>Ordering: each handler sees the changes of one object in the order they happened; handlers are independent.
/// The cache is updated before handlers are told, so a handler that reads the lister sees at least that state.</para>
/// <para>Resync: each handler has its own period (at least 1 s). The informer checks every <em>check period</em>, the
/// smallest period of the handlers registered before start (and the default); a handler added later with a smaller
/// period is raised to it. A resync re-delivers every cached object as an update with the same resourceVersion, only to
/// the handlers that are due; a relist that finds an object unchanged counts as a resync in the same way.</para>
/// <para>Pipeline: no thread is woken per change between the reflector and the cache (the queue keeps client-go's
/// meaning of each change: collapsing, relist tombstones, resync skipping); the one hand-off per change is to each
/// handler's loop. The first list, when nothing was queued before it, is loaded into the cache in one pass and handed
/// to the handlers as initial adds in list order, which is what popping it key by key would give.</para>
/// <para>Sync: <see cref="HasSynced"/> once the first list has been fully applied to the cache; a registration's
/// <see cref="IEventHandlerRegistration.HasSynced"/> once, in addition, its handler has received every initial add.</para>
/// </remarks>
public sealed class SharedIndexInformer<T> : ISharedInformer where T : class, IKubernetesObject<V1ObjectMeta>
{
    private static readonly TimeSpan MinimumResyncPeriod = TimeSpan.FromSeconds(1);

    private readonly IListWatch<T> _listWatch;
    private readonly SharedIndexInformerOptions<T> _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Indexer<T> _indexer;
    private readonly string _name;

    // Serializes cache updates with handler registration (client-go's blockDeltas): a handler added while running
    // gets exactly the cache, then every later change.
    private readonly object _deltaLock = new();

    // Guards the listener lists, the resync bookkeeping and the lifecycle flags.
    private readonly object _lock = new();
    private ProcessorListener<T>[] _listeners = [];
    private ProcessorListener<T>[] _syncingListeners = [];
    private TimeSpan _resyncCheckPeriod;
    private Action<Exception>? _watchErrorHandler;

    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<bool> _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Lister<T>? _lister;
    private DeltaFifo<T>? _fifo;
    private Reflector<T>? _reflector;
    private volatile bool _started;
    private volatile bool _stopped;
    private readonly KeyedDeltaProcessor<T> _processDeltas;
    private readonly Func<string[], T[], bool> _applyInitialList;

    /// <summary>Creates an informer.</summary>
    public SharedIndexInformer(IListWatch<T> listWatch, SharedIndexInformerOptions<T> options,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _listWatch = listWatch ?? throw new ArgumentNullException(nameof(listWatch));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = _loggerFactory.CreateLogger("KubeInformers.SharedIndexInformer");
        _time = timeProvider ?? TimeProvider.System;
        _name = options.Resource.ToString();

        var indexers = new Dictionary<string, IndexFunc<T>>(StringComparer.Ordinal)
        {
            [StandardIndexes.Namespace] = StandardIndexes.NamespaceIndexFunc<T>(),
        };
        if (options.Indexers is not null)
        {
            foreach (var (name, func) in options.Indexers)
            {
                indexers[name] = func;
            }
        }

        _indexer = new Indexer<T>(CacheKeys.MetaNamespaceKey, indexers);
        _processDeltas = ProcessDeltas;
        _applyInitialList = ApplyInitialList;
        _resyncCheckPeriod = options.DefaultResyncPeriod > TimeSpan.Zero ? Max(options.DefaultResyncPeriod, MinimumResyncPeriod) : TimeSpan.Zero;
    }

    /// <summary>The cache (read-only view; objects are shared, never mutate them).</summary>
    public IIndexer<T> Indexer => _indexer;

    /// <summary>A lister over the cache.</summary>
    public Lister<T> Lister => _lister ??= new Lister<T>(_indexer);

    /// <inheritdoc/>
    public ResourceDescriptor Resource => _options.Resource;
    /// <inheritdoc/>
    public Type ObjectType => typeof(T);
    /// <inheritdoc/>
    public bool HasSynced => _fifo?.HasSynced ?? false;
    /// <inheritdoc/>
    public bool IsStarted => _started;
    /// <inheritdoc/>
    public bool IsStopped => _stopped;
    /// <inheritdoc/>
    public string? LastSyncResourceVersion => _reflector?.LastSyncResourceVersion;
    /// <inheritdoc/>
    public Exception? LastError => _reflector?.LastError;
    /// <inheritdoc/>
    public DateTimeOffset? LastActivity => _reflector?.LastActivity;
    /// <inheritdoc/>
    public int CacheCount => _indexer.Count;

    /// <summary>How often the informer checks whether handlers are due for a resync (zero: never). Fixed at start.</summary>
    public TimeSpan ResyncCheckPeriod
    {
        get
        {
            lock (_lock)
            {
                return _resyncCheckPeriod;
            }
        }
    }

    /// <summary>
    /// Registers a handler with its own resync period (null: the informer's default; floored at 1 s). A handler added while
    /// running first receives the whole cache as adds.
    /// </summary>
    /// <exception cref="InvalidOperationException">The informer has stopped.</exception>
    public IEventHandlerRegistration AddEventHandler(IResourceEventHandler<T> handler, TimeSpan? resyncPeriod = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var requested = resyncPeriod ?? _options.DefaultResyncPeriod;
        var period = requested;
        var handlerName = handler.GetType().Name;
        if (period > TimeSpan.Zero && period < MinimumResyncPeriod)
        {
            InformerLog.ResyncRaised(_logger, _name, handlerName, period, MinimumResyncPeriod);
            period = MinimumResyncPeriod;
        }

        lock (_deltaLock)
        {
            ProcessorListener<T> listener;
            lock (_lock)
            {
                if (_stopped)
                {
                    throw new InvalidOperationException($"The informer for {_name} has stopped; handlers can no longer be added.");
                }

                if (period > TimeSpan.Zero)
                {
                    if (!_started)
                    {
                        if (_resyncCheckPeriod == TimeSpan.Zero || period < _resyncCheckPeriod)
                        {
                            _resyncCheckPeriod = period;
                        }
                    }
                    else if (_resyncCheckPeriod == TimeSpan.Zero)
                    {
                        InformerLog.ResyncDisabled(_logger, _name, handlerName, period);
                        period = TimeSpan.Zero;
                    }
                    else if (period < _resyncCheckPeriod)
                    {
                        InformerLog.ResyncRaised(_logger, _name, handlerName, period, _resyncCheckPeriod);
                        period = _resyncCheckPeriod;
                    }
                }

                listener = new ProcessorListener<T>(handler, requested, period, _time.GetUtcNow(), () => HasSynced, _logger, _name);
                _listeners = [.. _listeners, listener];
            }

            listener.Start(_stopping.Token);
            if (_started)
            {
                // Late handler: the current cache, as initial adds, before any later change (deltas are blocked meanwhile).
                // Written in one batch, as for the first list (Indexer.List returns a fresh array).
                var cached = _indexer.List();
                listener.EnqueueInitialAdds(cached as T[] ?? [.. cached]);
            }

            return listener;
        }
    }

    /// <summary>Unregisters a handler; it receives nothing more. Idempotent.</summary>
    public void RemoveEventHandler(IEventHandlerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        if (registration is not ProcessorListener<T> listener)
        {
            return;
        }

        lock (_lock)
        {
            if (!_listeners.Contains(listener))
            {
                return; // already removed, or registered with another informer
            }

            _listeners = [.. _listeners.Where(l => l != listener)];
            _syncingListeners = [.. _syncingListeners.Where(l => l != listener)];
        }

        listener.Remove();
    }

    /// <summary>Adds index functions; allowed before and after start (existing objects are indexed).</summary>
    /// <exception cref="ArgumentException">An index of that name exists.</exception>
    /// <exception cref="InvalidOperationException">The informer has stopped.</exception>
    public void AddIndexers(IReadOnlyDictionary<string, IndexFunc<T>> indexers)
    {
        ArgumentNullException.ThrowIfNull(indexers);
        lock (_deltaLock)
        {
            if (_stopped)
            {
                throw new InvalidOperationException($"The informer for {_name} has stopped; indexers can no longer be added.");
            }

            _indexer.AddIndexers(indexers);
        }
    }

    /// <summary>Sets the watch error handler (called on every list/watch error).</summary>
    /// <exception cref="InvalidOperationException">The informer has started.</exception>
    public void SetWatchErrorHandler(Action<Exception> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_lock)
        {
            if (_started)
            {
                throw new InvalidOperationException($"The informer for {_name} has started; set the watch error handler before starting it.");
            }

            _watchErrorHandler = handler;
        }
    }

    /// <inheritdoc/>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        DeltaFifo<T> fifo;
        Reflector<T> reflector;
        lock (_lock)
        {
            if (_stopped)
            {
                throw new InvalidOperationException($"The informer for {_name} has stopped; it cannot be restarted.");
            }

            if (_started)
            {
                throw new InvalidOperationException($"The informer for {_name} is already running; RunAsync can be called once.");
            }

            fifo = new DeltaFifo<T>(new DeltaFifoOptions<T>
            {
                KeyFunc = CacheKeys.MetaNamespaceKey,
                KnownObjects = _indexer,
                EmitDeltaTypeReplaced = true,
                Transform = _options.Transform,
            });
            reflector = new Reflector<T>(_listWatch, new DrainingStore(fifo, this), _options.Reflector, _time,
                _loggerFactory.CreateLogger("KubeInformers.Reflector"), _name)
            {
                WatchErrorHandler = _watchErrorHandler,
                ResyncPeriod = _resyncCheckPeriod,
                ShouldResync = ShouldResync,
            };
            _fifo = fifo;
            _reflector = reflector;
            _started = true;
        }

        using var link = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _stopping);
        var stopping = _stopping.Token;
        // The reflector gets its own task: a source whose I/O completes synchronously (an in-memory handler, a cache
        // in front of the server) would otherwise run the list/watch loop inline in the caller of RunAsync.
        // The queue is drained by the reflector's own calls (see DrainingStore), so there is no pop loop to run here.
        var reflectorRun = Task.Run(() => reflector.RunAsync(stopping), CancellationToken.None);
        try
        {
            await reflectorRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!stopping.IsCancellationRequested)
            {
                // The reflector only returns once stopped; should it end early, the informer still runs until stopped.
                var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                using (stopping.Register(static s => ((TaskCompletionSource)s!).TrySetResult(), stopped))
                {
                    await stopped.Task.ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ProcessorListener<T>[] listeners;
            lock (_lock)
            {
                _stopped = true;
                listeners = _listeners;
            }

            _stopping.Cancel();
            fifo.Close();
            await reflectorRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var listener in listeners)
            {
                listener.Remove();
            }

            await Task.WhenAll(listeners.Select(l => l.Completion)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            _synced.TrySetResult(false);
            InformerLog.Stopped(_logger, _name);
        }
    }

    /// <inheritdoc/>
    public async Task<bool> WaitForCacheSyncAsync(CancellationToken cancellationToken = default)
    {
        if (HasSynced)
        {
            return true;
        }

        try
        {
            return await _synced.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Pops and applies every queued key, on the calling thread (the reflector's, right after its write). A failure to
    /// apply one key is logged and its deltas are dropped, as client-go's pop loop does; the rest is still applied.
    /// </summary>
    private void Drain(DeltaFifo<T> fifo)
    {
        while (true)
        {
            try
            {
                if (!fifo.TryPop(_processDeltas))
                {
                    break;
                }
            }
            catch (Exception ex)
            {
                InformerLog.ProcessFailed(_logger, _name, ex);
            }
        }

        CheckSynced();
    }

    /// <summary>Applies one object's deltas to the cache and tells the handlers. Runs under the queue's lock.</summary>
    private void ProcessDeltas(string key, List<Delta<T>> deltas, bool isInInitialList)
    {
        lock (_deltaLock)
        {
            foreach (var delta in deltas)
            {
                var obj = delta.Object;
                switch (delta.Type)
                {
                    case DeltaType.Sync:
                    case DeltaType.Replaced:
                    case DeltaType.Added:
                    case DeltaType.Updated:
                        if (_indexer.Upsert(key, obj) is { } old)
                        {
                            // An update that did not change the resourceVersion is a resync: only handlers due for one get it.
                            var isSync = string.Equals(old.Metadata?.ResourceVersion, obj.Metadata?.ResourceVersion, StringComparison.Ordinal);
                            Distribute(new Notification<T>(NotificationKind.Update, obj, old, false), isSync);
                        }
                        else
                        {
                            Distribute(new Notification<T>(NotificationKind.Add, obj, null, isInInitialList), isSync: false);
                        }

                        break;
                    case DeltaType.Deleted:
                        _indexer.DeleteByKey(key);
                        Distribute(new Notification<T>(NotificationKind.Delete, obj, null, delta.IsFinalStateUnknown), isSync: false);
                        break;
                }
            }
        }
    }

    /// <summary>
    /// The first list, straight into the cache: the queue offers it here when nothing was ever queued. Builds the cache
    /// in one pass and gives every handler the objects as initial adds, in list order, which is exactly what popping the
    /// queued list would have done. Declines (false, nothing changed) when two objects share a key or an index function
    /// fails, so the list then takes the queue's path and its per-key rules.
    /// </summary>
    private bool ApplyInitialList(string[] keys, T[] objects)
    {
        lock (_deltaLock)
        {
            try
            {
                if (!_indexer.TryLoad(keys, objects))
                {
                    return false;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return false;
            }

            foreach (var listener in Volatile.Read(ref _listeners))
            {
                listener.EnqueueInitialAdds(objects);
            }

            return true;
        }
    }

    // The listener arrays are replaced whole under _lock; a plain read sees one complete array, never a torn one.
    private void Distribute(in Notification<T> notification, bool isSync)
    {
        var targets = isSync ? Volatile.Read(ref _syncingListeners) : Volatile.Read(ref _listeners);
        foreach (var listener in targets)
        {
            listener.Enqueue(notification);
        }
    }

    /// <summary>Called by the reflector every check period: picks the handlers due for a resync.</summary>
    private bool ShouldResync()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            var due = new List<ProcessorListener<T>>();
            foreach (var listener in _listeners)
            {
                if (listener.ShouldResync(now))
                {
                    due.Add(listener);
                    listener.NextResync = now + listener.ResyncPeriod;
                }
            }

            _syncingListeners = [.. due];
            return due.Count > 0;
        }
    }

    private void CheckSynced()
    {
        if (!_synced.Task.IsCompleted && (_fifo?.HasSynced ?? false))
        {
            if (_synced.TrySetResult(true))
            {
                InformerLog.Synced(_logger, _name, _indexer.Count);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// The reflector's view of the queue. Every write is followed by draining the queue on the same thread, so a change
    /// reaches the cache and the handlers' buffers without waking another thread; the queue still decides what each
    /// change means (collapsing, tombstones, resync skipping). The reflector never calls it concurrently.
    /// </summary>
    private sealed class DrainingStore(DeltaFifo<T> fifo, SharedIndexInformer<T> informer) : IReflectorStore<T>
    {
        public void Add(T obj)
        {
            fifo.Add(obj);
            informer.Drain(fifo);
        }

        public void Update(T obj)
        {
            fifo.Update(obj);
            informer.Drain(fifo);
        }

        public void Delete(T obj)
        {
            fifo.Delete(obj);
            informer.Drain(fifo);
        }

        public void Resync()
        {
            fifo.Resync();
            informer.Drain(fifo);
        }

        public void Replace(IReadOnlyList<T> items, string resourceVersion)
        {
            fifo.ReplaceOrApply(items, informer._applyInitialList);
            informer.Drain(fifo);
        }
    }
}
