using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers;

/// <summary>Options of a <see cref="SharedIndexInformer{T}"/>.</summary>
public sealed class SharedIndexInformerOptions<T> where T : class
{
    /// <summary>The resource watched (for logs, metrics and factories).</summary>
    public required ResourceDescriptor Resource { get; set; }
    /// <summary>Default resync period of handlers added without one; zero disables resync.</summary>
    public TimeSpan DefaultResyncPeriod { get; set; }
    /// <summary>Index functions besides the namespace index, which is always present.</summary>
    public IReadOnlyDictionary<string, IndexFunc<T>>? Indexers { get; set; }
    /// <summary>
    /// Drop <c>metadata.managedFields</c> from every object before it is cached (default false): server-side-apply
    /// bookkeeping that controllers rarely read. Runs before the
    /// informer's transform (<see cref="SharedIndexInformer{T}.SetTransform"/>), on the freshly decoded object.
    /// </summary>
    public bool StripManagedFields { get; set; }
    /// <summary>Reflector options (paging, backoff, watch timeout, streaming list).</summary>
    public ReflectorOptions Reflector { get; set; } = new();
}


/// <summary>
/// One cache of one resource, shared by any number of handlers. The reflector writes each change straight into the
/// informer: the change is applied to the cache and handed to each handler's own unbounded buffer and loop, on the
/// reflector's thread, so a slow or failing handler delays only itself. Thread-safe.
/// </summary>
/// <remarks>
/// <para>Ordering: each handler sees the changes of one object in the order they happened; handlers are independent.
/// The cache is updated before handlers are told, so a handler that reads the lister sees at least that state.</para>
/// <para>Relists: a list that replaces the cache is turned into changes by <see cref="RelistDiff"/>: new objects are
/// adds, changed ones updates, objects that vanished deletes with <c>finalStateUnknown</c>, and objects whose
/// resourceVersion did not change count as a resync (only handlers due for one get them). The first list is loaded
/// into the cache in one pass and handed to the handlers as initial adds in list order.</para>
/// <para>Resync: each handler has its own period (at least 1 s). The informer checks every <em>check period</em>, the
/// smallest period of the handlers registered before start (and the default); a handler added later with a smaller
/// period is raised to it. A resync re-delivers every cached object as an update with the same resourceVersion, only to
/// the handlers that are due.</para>
/// <para>Transform: <see cref="SetTransform"/> (before start) runs once on every object the server sends, before it is
/// cached; never on resyncs or tombstones, whose objects already went through it.</para>
/// <para>Locking: one write lock serializes every cache write and hand-off to the handlers with handler registration
/// and <see cref="AddIndexers"/>, so a handler added while running gets exactly the cache, then every later change.
/// The reflector calls the informer from one loop at a time; readers of the cache never take the write lock.</para>
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

    // Serializes cache writes and hand-offs to handlers with handler registration and AddIndexers (client-go's
    // blockDeltas): a handler added while running gets exactly the cache, then every later change.
    private readonly object _writeLock = new();

    // Guards the listener lists, the resync bookkeeping, the transform and the lifecycle flags.
    private readonly object _lock = new();
    private ProcessorListener<T>[] _listeners = [];
    private ProcessorListener<T>[] _syncingListeners = [];
    private TimeSpan _resyncCheckPeriod;
    private Action<Exception>? _watchErrorHandler;
    private Func<T, T>? _transform;

    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<bool> _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Lister<T>? _lister;
    private Reflector<T>? _reflector;
    private volatile bool _started;
    private volatile bool _stopped;
    // Set (under the write lock) once the first list is in the cache, or by a change written before any list.
    private volatile bool _hasSynced;

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
        _resyncCheckPeriod = options.DefaultResyncPeriod > TimeSpan.Zero ? Max(options.DefaultResyncPeriod, MinimumResyncPeriod) : TimeSpan.Zero;
    }

    /// <summary>The cache, read-only: lookups by key and by index (objects are shared, never mutate them).</summary>
    public IIndexer<T> Indexer => _indexer;

    /// <summary>A lister over the cache.</summary>
    public Lister<T> Lister => _lister ??= new Lister<T>(_indexer);

    /// <inheritdoc/>
    public ResourceDescriptor Resource => _options.Resource;
    /// <inheritdoc/>
    public Type ObjectType => typeof(T);
    /// <inheritdoc/>
    public bool HasSynced => _hasSynced;
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
    /// Sets the transform: it runs once on every object the server sends (list items and watch events), before the object
    /// is cached and shared, for example to drop fields the controller never reads. It may change the object it is given
    /// (nobody else has seen it yet) or return another; it must return an object with the same namespace and name, and
    /// must not return null. It never runs on resyncs or on the tombstones of a relist. Setting it again replaces it.
    /// </summary>
    /// <exception cref="InvalidOperationException">The informer has started.</exception>
    public void SetTransform(Func<T, T> transform)
    {
        ArgumentNullException.ThrowIfNull(transform);
        lock (_lock)
        {
            if (_started)
            {
                throw new InvalidOperationException($"The informer for {_name} has started; set the transform before starting it.");
            }

            _transform = transform;
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

        lock (_writeLock)
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
                // Late handler: the current cache, as initial adds, before any later change (writes wait meanwhile).
                // Written in one batch, as for the first list (List returns a fresh array).
                var cached = _indexer.List();
                listener.EnqueueInitialAdds(cached as T[] ?? [.. cached]);
            }

            return listener;
        }
    }

    /// <summary>
    /// Unregisters a handler; it receives nothing more: returns once a call to it that is in progress has ended (at once
    /// when called from inside that call), so no call to it starts or runs after this returns. Idempotent.
    /// </summary>
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

    /// <summary>Adds index functions; allowed before and after start (existing objects are indexed at once).</summary>
    /// <exception cref="ArgumentException">An index of one of these names exists (nothing is added).</exception>
    /// <exception cref="InvalidOperationException">The informer has stopped.</exception>
    public void AddIndexers(IReadOnlyDictionary<string, IndexFunc<T>> indexers)
    {
        ArgumentNullException.ThrowIfNull(indexers);
        lock (_writeLock)
        {
            ThrowIfStoppedForIndexers();
            _indexer.AddIndexers(indexers);
        }
    }

    /// <summary>
    /// Adds the index functions of <paramref name="indexers"/> whose names the informer does not have yet, in one step
    /// (an index of the same name already there is kept, whatever its function). Safe to call more than once and from
    /// several threads: what typed wrappers use to register their indexes on a shared informer.
    /// </summary>
    /// <exception cref="InvalidOperationException">The informer has stopped.</exception>
    public void EnsureIndexers(IReadOnlyDictionary<string, IndexFunc<T>> indexers)
    {
        ArgumentNullException.ThrowIfNull(indexers);
        lock (_writeLock)
        {
            ThrowIfStoppedForIndexers();
            var existing = _indexer.Indexers;
            Dictionary<string, IndexFunc<T>>? missing = null;
            foreach (var (name, func) in indexers)
            {
                if (!existing.ContainsKey(name))
                {
                    (missing ??= new Dictionary<string, IndexFunc<T>>(StringComparer.Ordinal)).Add(name, func);
                }
            }

            if (missing is not null)
            {
                _indexer.AddIndexers(missing);
            }
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

            reflector = new Reflector<T>(_listWatch, new CacheWriter(this, _transform, _options.StripManagedFields), _options.Reflector, _time,
                _loggerFactory.CreateLogger("KubeInformers.Reflector"), _name)
            {
                ResyncPeriod = _resyncCheckPeriod,
                ShouldResync = ShouldResync,
            };
            if (_watchErrorHandler is { } onWatchError)
            {
                reflector.SetWatchErrorHandler(onWatchError);
            }

            _reflector = reflector;
            _started = true;
        }

        CompiledReaderRegistry.Prepare<T>();
        if (_loggerFactory is not NullLoggerFactory)
        {
            // Optimisations the runtime had to switch off (a KubernetesClient internal moved) are logged once per process.
            RuntimeDegradations.AttachLogger(_loggerFactory.CreateLogger("KubeInformers.Runtime"));
        }

        using var link = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _stopping);
        var stopping = _stopping.Token;
        // The reflector gets its own task: a source whose I/O completes synchronously (an in-memory handler, a cache
        // in front of the server) would otherwise run the list/watch loop inline in the caller of RunAsync.
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
            await reflectorRun.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            foreach (var listener in listeners)
            {
                listener.Remove(waitForCallInProgress: false);
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

    private void ThrowIfStoppedForIndexers()
    {
        if (_stopped)
        {
            throw new InvalidOperationException($"The informer for {_name} has stopped; indexers can no longer be added.");
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

    // The listener arrays are replaced whole under _lock; a plain read sees one complete array, never a torn one.
    // Callers hold _writeLock.
    private void Distribute(in Notification<T> notification, bool isSync)
    {
        var targets = isSync ? Volatile.Read(ref _syncingListeners) : Volatile.Read(ref _listeners);
        foreach (var listener in targets)
        {
            listener.Enqueue(notification);
        }
    }

    /// <summary>Marks the informer synced, under the write lock; true the first time.</summary>
    private bool MarkSyncedLocked()
    {
        if (_hasSynced)
        {
            return false;
        }

        _hasSynced = true;
        return true;
    }

    /// <summary>Completes <see cref="WaitForCacheSyncAsync"/>; called outside the write lock after <see cref="MarkSyncedLocked"/> returned true.</summary>
    private void AnnounceSynced()
    {
        if (_synced.TrySetResult(true))
        {
            InformerLog.Synced(_logger, _name, _indexer.Count);
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// What the reflector writes into: each call applies its change to the cache and hands the notifications to the
    /// handlers' buffers, on the reflector's thread, under the informer's write lock. The transform runs first, outside
    /// the lock. The reflector calls it from one loop at a time, never concurrently.
    /// </summary>
    /// <remarks>
    /// A change whose index functions throw is logged (<c>ProcessFailed</c>) and dropped: the cache keeps that object's
    /// previous state and no handler is told. A transform that throws fails the call (the reflector handles it).
    /// </remarks>
    private sealed class CacheWriter(SharedIndexInformer<T> informer, Func<T, T>? transform, bool stripManagedFields) : IReflectorStore<T>
    {
        private readonly Indexer<T> _cache = informer._indexer;

        public void Add(T obj) => Upsert(obj);

        public void Update(T obj) => Upsert(obj);

        public void Delete(T obj)
        {
            ArgumentNullException.ThrowIfNull(obj);
            var key = CacheKeys.MetaNamespaceKey(obj);
            // Not cached: a relist already reported it deleted (as a tombstone), or it was never seen; nothing to tell and
            // nothing to transform. Only this loop writes the cache, so the answer holds until the removal below.
            var last = _cache.TryGetByKey(key, out _) ? Prepare(obj, key) : null;
            bool synced;
            lock (informer._writeLock)
            {
                synced = informer.MarkSyncedLocked();
                if (last is not null)
                {
                    try
                    {
                        _cache.DeleteByKey(key);
                        informer.Distribute(new Notification<T>(NotificationKind.Delete, last, null, false), isSync: false);
                    }
                    catch (Exception ex)
                    {
                        InformerLog.ProcessFailed(informer._logger, informer._name, ex);
                    }
                }
            }

            if (synced)
            {
                informer.AnnounceSynced();
            }
        }

        public void Replace(IReadOnlyList<T> items, string resourceVersion)
        {
            ArgumentNullException.ThrowIfNull(items);
            // Keys, then the transform (user code), outside the lock and before anything changes: a failure changes nothing.
            var keys = new string[items.Count];
            var objects = new T[items.Count];
            for (var i = 0; i < objects.Length; i++)
            {
                var item = items[i] ?? throw new ArgumentException($"Item {i} of the list is null.", nameof(items));
                keys[i] = CacheKeys.MetaNamespaceKey(item);
                objects[i] = Prepare(item, keys[i]);
            }

            bool synced;
            lock (informer._writeLock)
            {
                var initial = !informer._hasSynced;
                if (!(initial && TryLoadInitial(keys, objects)))
                {
                    ApplyRelist(keys, objects, initial);
                }

                synced = informer.MarkSyncedLocked();
            }

            if (synced)
            {
                informer.AnnounceSynced();
            }
        }

        public void Resync()
        {
            lock (informer._writeLock)
            {
                // Only the handlers the last resync check found due; each gets every cached object as an update to itself.
                var targets = Volatile.Read(ref informer._syncingListeners);
                if (targets.Length == 0)
                {
                    return;
                }

                foreach (var obj in _cache.List())
                {
                    var notification = new Notification<T>(NotificationKind.Update, obj, obj, false);
                    foreach (var listener in targets)
                    {
                        listener.Enqueue(notification);
                    }
                }
            }
        }

        private void Upsert(T obj)
        {
            ArgumentNullException.ThrowIfNull(obj);
            var key = CacheKeys.MetaNamespaceKey(obj);
            obj = Prepare(obj, key);
            bool synced;
            lock (informer._writeLock)
            {
                synced = informer.MarkSyncedLocked();
                try
                {
                    if (_cache.Upsert(key, obj) is { } old)
                    {
                        // An update that did not change the resourceVersion is a resync: only handlers due for one get it.
                        informer.Distribute(new Notification<T>(NotificationKind.Update, obj, old, false), SameVersion(old, obj));
                    }
                    else
                    {
                        informer.Distribute(new Notification<T>(NotificationKind.Add, obj, null, false), isSync: false);
                    }
                }
                catch (Exception ex)
                {
                    InformerLog.ProcessFailed(informer._logger, informer._name, ex);
                }
            }

            if (synced)
            {
                informer.AnnounceSynced();
            }
        }

        /// <summary>
        /// The first list into an empty cache in one pass, handed to every handler as initial adds in list order (what
        /// applying it object by object would give). False, changing nothing, when two objects share a key or an index
        /// function fails: the list is then applied object by object, which handles both.
        /// </summary>
        private bool TryLoadInitial(string[] keys, T[] objects)
        {
            try
            {
                if (!_cache.TryLoad(keys, objects))
                {
                    return false;
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                return false;
            }

            foreach (var listener in Volatile.Read(ref informer._listeners))
            {
                listener.EnqueueInitialAdds(objects);
            }

            return true;
        }

        /// <summary>Applies the relist diff change by change; a change that fails is logged and the key's later changes in this list are skipped.</summary>
        private void ApplyRelist(string[] keys, T[] objects, bool initial)
        {
            string? failedKey = null;
            foreach (var change in RelistDiff.Compute(keys, objects, _cache, static o => o.Metadata?.ResourceVersion))
            {
                if (failedKey is not null && string.Equals(failedKey, change.Key, StringComparison.Ordinal))
                {
                    continue;
                }

                try
                {
                    switch (change.Kind)
                    {
                        case RelistChangeKind.Added:
                            _cache.Upsert(change.Key, change.Object);
                            informer.Distribute(new Notification<T>(NotificationKind.Add, change.Object, null, initial), isSync: false);
                            break;
                        case RelistChangeKind.Updated:
                        case RelistChangeKind.Resynced:
                            _cache.Upsert(change.Key, change.Object);
                            informer.Distribute(new Notification<T>(NotificationKind.Update, change.Object, change.Old, false),
                                isSync: change.Kind == RelistChangeKind.Resynced);
                            break;
                        case RelistChangeKind.DeletedFinalStateUnknown:
                            _cache.DeleteByKey(change.Key);
                            informer.Distribute(new Notification<T>(NotificationKind.Delete, change.Object, null, true), isSync: false);
                            break;
                    }
                }
                catch (Exception ex)
                {
                    failedKey = change.Key;
                    InformerLog.ProcessFailed(informer._logger, informer._name, ex);
                }
            }
        }

        private T Prepare(T obj, string key)
        {
            if (stripManagedFields && obj.Metadata is { ManagedFields: not null } meta)
            {
                meta.ManagedFields = null;
            }

            return transform is null
                ? obj
                : transform(obj) ?? throw new InvalidOperationException($"The transform of the informer for {informer._name} returned null for '{key}'.");
        }

        private static bool SameVersion(T a, T b)
            => string.Equals(a.Metadata?.ResourceVersion, b.Metadata?.ResourceVersion, StringComparison.Ordinal);
    }
}
