namespace KubeInformers;

/// <summary>Options of a <see cref="DeltaFifo{T}"/>.</summary>
public sealed class DeltaFifoOptions<T> where T : class
{
    /// <summary>Computes an object's key. Required.</summary>
    public required Func<T, string> KeyFunc { get; set; }

    /// <summary>What the consumer already has; needed for deletions on <see cref="DeltaFifo{T}.Replace"/> and for <see cref="DeltaFifo{T}.Resync"/>.</summary>
    public IKnownObjects<T>? KnownObjects { get; set; }

    /// <summary>Whether <see cref="DeltaFifo{T}.Replace"/> records <see cref="DeltaType.Replaced"/> (true) or <see cref="DeltaType.Sync"/> (false, the old behaviour). client-go informers set it.</summary>
    public bool EmitDeltaTypeReplaced { get; set; }

    /// <summary>Runs once on every object as it is queued (never on tombstones or resyncs), e.g. to drop <c>managedFields</c>. Must be idempotent.</summary>
    public Func<T, T>? Transform { get; set; }
}

/// <summary>Processes the deltas of one key popped from a <see cref="DeltaFifo{T}"/>.</summary>
/// <param name="deltas">The key's deltas, oldest first; never empty.</param>
/// <param name="isInInitialList">Whether these deltas came from the first <see cref="DeltaFifo{T}.Replace"/> and it has not yet been fully popped.</param>
public delegate void DeltaProcessor<T>(IReadOnlyList<Delta<T>> deltas, bool isInInitialList) where T : class;

/// <summary>Thrown by <see cref="DeltaFifo{T}.PopAsync"/> once the queue is closed.</summary>
public sealed class FifoClosedException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public FifoClosedException() : base("The DeltaFifo is closed.") { }
}

/// <summary>
/// A producer/consumer queue of per-key change lists, with client-go DeltaFIFO semantics: one entry per key, in the order
/// keys were first queued; consecutive deletes collapse; <see cref="Replace"/> infers deletions as
/// <c>DeletedFinalStateUnknown</c> tombstones; <see cref="Resync"/> skips keys with queued changes.
/// Thread-safe: one producer and any number of consumers.
/// </summary>
/// <remarks>
/// <para>A standalone type for code that wants client-go's queue between a <see cref="Reflector{T}"/> (it is an
/// <see cref="IReflectorStore{T}"/>) and its own consumer loop. <see cref="SharedIndexInformer{T}"/> does not use it:
/// the informer applies each change to its cache directly and turns a relist into changes with a relist diff, which
/// gives handlers what this queue's pop loop would (tombstones for vanished objects, resync of unchanged ones).</para>
/// <para>Semantics (client-go <c>tools/cache/delta_fifo.go</c>):</para>
/// <list type="bullet">
/// <item>A key is queued once; later changes append to its delta list and it keeps its place in line.</item>
/// <item>Two consecutive <see cref="DeltaType.Deleted"/> deltas collapse into one: the older is kept unless it is a
/// tombstone (<see cref="Delta{T}.IsFinalStateUnknown"/>).</item>
/// <item><see cref="Delete"/> of a key that is neither queued nor known is dropped (it was already reported by a relist).</item>
/// <item><see cref="Replace"/> queues <see cref="DeltaType.Replaced"/> (or <see cref="DeltaType.Sync"/>) for every listed
/// object, then a tombstone for every queued key missing from the list (carrying the newest queued object) and for every
/// known key missing from the list with nothing queued (carrying the known object).</item>
/// <item><see cref="Resync"/> queues <see cref="DeltaType.Sync"/> with the known object for every known key that has
/// nothing queued; without <see cref="DeltaFifoOptions{T}.KnownObjects"/> it does nothing.</item>
/// <item><see cref="HasSynced"/>: the first <see cref="Replace"/> counts its listed keys plus its tombstones; each pop
/// counts one down; any Add/Update/Delete before the first Replace makes the queue synced at once.</item>
/// <item>The transform runs once on each object handed to <see cref="Add"/>, <see cref="Update"/>, <see cref="Delete"/>
/// and <see cref="Replace"/>, and never on tombstones or <see cref="Resync"/>'s Sync deltas, whose objects already went
/// through it. (client-go also skips it for a Replace recorded as Sync; here listed objects are always transformed,
/// because they are new objects from the server.)</item>
/// </list>
/// <para>Locking: one monitor guards the queue. <see cref="PopAsync"/> removes the key and runs the processor while
/// holding it, as client-go does, so that producers (in particular <see cref="Replace"/> and <see cref="Resync"/>,
/// which consult <see cref="DeltaFifoOptions{T}.KnownObjects"/>) never observe a popped key that the consumer has
/// not yet applied to its store. The processor must therefore be short and must not block.
/// Waiting consumers do not hold a thread: they await a shared completion source that every enqueue completes.
/// The key function and the transform (user code) run before the lock is taken, except for <see cref="Delete"/>, which
/// transforms only deletes it keeps.</para>
/// <para>Allocation: an enqueue for an already-queued key allocates nothing but list growth; a new key allocates
/// its delta list (which the processor then owns). A pop of a queued key allocates nothing.</para>
/// </remarks>
public sealed class DeltaFifo<T> : IReflectorStore<T> where T : class
{
    private readonly object _lock = new();
    private readonly Dictionary<string, List<Delta<T>>> _items = new(StringComparer.Ordinal);
    private readonly Queue<string> _queue = new();
    private readonly Func<T, string> _keyFunc;
    private readonly IKnownObjects<T>? _knownObjects;
    private readonly bool _emitDeltaTypeReplaced;
    private readonly Func<T, T>? _transform;

    private bool _populated;
    private int _initialPopulationCount;
    private volatile bool _closed;
    private TaskCompletionSource? _waiter;

    /// <summary>Creates a queue.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> or its <see cref="DeltaFifoOptions{T}.KeyFunc"/> is null.</exception>
    public DeltaFifo(DeltaFifoOptions<T> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _keyFunc = options.KeyFunc ?? throw new ArgumentNullException(nameof(options), "DeltaFifoOptions.KeyFunc is required.");
        _knownObjects = options.KnownObjects;
        _emitDeltaTypeReplaced = options.EmitDeltaTypeReplaced;
        _transform = options.Transform;
    }

    /// <summary>True once the items of the first <see cref="Replace"/> have all been popped, or an Add/Update/Delete came before any Replace.</summary>
    public bool HasSynced
    {
        get
        {
            lock (_lock)
            {
                return HasSyncedLocked;
            }
        }
    }

    /// <summary>Whether <see cref="Close"/> was called.</summary>
    public bool IsClosed => _closed;

    /// <summary>The number of keys queued.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    private bool HasSyncedLocked => _populated && _initialPopulationCount == 0;

    /// <inheritdoc/>
    public void Add(T obj) => Queue(DeltaType.Added, obj);

    /// <inheritdoc/>
    public void Update(T obj) => Queue(DeltaType.Updated, obj);

    /// <summary>Queues an <see cref="DeltaType.Added"/> or <see cref="DeltaType.Updated"/> delta of the transformed <paramref name="obj"/>.</summary>
    private void Queue(DeltaType type, T obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var key = _keyFunc(obj);
        obj = Transform(obj, key);
        lock (_lock)
        {
            _populated = true;
            QueueActionLocked(type, obj, key, tombstone: false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>A delete for a key that is neither queued nor known is ignored: a relist already reported it.</remarks>
    public void Delete(T obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var key = _keyFunc(obj);
        lock (_lock)
        {
            _populated = true;
            var queued = _items.ContainsKey(key);
            if (!queued && (_knownObjects is null || !_knownObjects.TryGetByKey(key, out _)))
            {
                return;
            }

            // Transformed under the lock, and only when kept, so a dropped delete never runs the transform.
            QueueActionLocked(DeltaType.Deleted, Transform(obj, key), key, tombstone: false);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// Every key is computed before anything is queued, so an object without a key fails the whole call and changes nothing.
    /// <paramref name="resourceVersion"/> is not used by the queue.
    /// </remarks>
    public void Replace(IReadOnlyList<T> items, string resourceVersion)
    {
        ArgumentNullException.ThrowIfNull(items);
        var itemKeys = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i] ?? throw new ArgumentException($"Item {i} of the list is null.", nameof(items));
            itemKeys[i] = _keyFunc(item);
        }

        // Transform outside the lock (user code), once per listed object.
        IReadOnlyList<T> objects = items;
        if (_transform is not null)
        {
            var copy = new T[items.Count];
            for (var i = 0; i < copy.Length; i++)
            {
                copy[i] = Transform(items[i], itemKeys[i]);
            }

            objects = copy;
        }

        var keys = new HashSet<string>(itemKeys, StringComparer.Ordinal);
        var action = _emitDeltaTypeReplaced ? DeltaType.Replaced : DeltaType.Sync;
        lock (_lock)
        {
            for (var i = 0; i < items.Count; i++)
            {
                QueueActionLocked(action, objects[i], itemKeys[i], tombstone: false);
            }

            // Queued keys missing from the list: their deletion was missed while the watch was down.
            // The tombstone carries the newest queued object (the inner object when that is a tombstone already).
            // Queuing for an already-queued key only appends to its delta list, so the queue can be walked meanwhile.
            var queuedDeletions = 0;
            foreach (var key in _queue)
            {
                if (!keys.Contains(key))
                {
                    queuedDeletions++;
                    QueueActionLocked(DeltaType.Deleted, _items[key][^1].Object, key, tombstone: true);
                }
            }

            // Known keys missing from the list with nothing queued: the tombstone carries the known object.
            if (_knownObjects is not null)
            {
                foreach (var key in _knownObjects.ListKeys())
                {
                    if (keys.Contains(key) || _items.ContainsKey(key))
                    {
                        continue;
                    }

                    // client-go queues a tombstone without an object when the lookup fails; a Delta here always carries
                    // an object, and the key vanished from the known objects meanwhile, so there is nothing to report.
                    if (!_knownObjects.TryGetByKey(key, out var known))
                    {
                        continue;
                    }

                    queuedDeletions++;
                    QueueActionLocked(DeltaType.Deleted, known, key, tombstone: true);
                }
            }

            if (!_populated)
            {
                _populated = true;
                _initialPopulationCount = keys.Count + queuedDeletions;
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>Keys with queued deltas get no Sync: their queued change is newer than the known object.</remarks>
    public void Resync()
    {
        if (_knownObjects is null)
        {
            return;
        }

        lock (_lock)
        {
            // Known keys are this queue's keys (Replace relies on that too), so the key function is not run again.
            foreach (var key in _knownObjects.ListKeys())
            {
                if (_items.ContainsKey(key) || !_knownObjects.TryGetByKey(key, out var known))
                {
                    continue;
                }

                QueueActionLocked(DeltaType.Sync, known, key, tombstone: false);
            }
        }
    }

    /// <summary>The queued keys, in queue order.</summary>
    public IReadOnlyList<string> ListKeys()
    {
        lock (_lock)
        {
            return _queue.ToArray();
        }
    }

    /// <summary>The deltas queued for <paramref name="key"/>, oldest first (a copy).</summary>
    public bool TryGetDeltas(string key, out IReadOnlyList<Delta<T>> deltas)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_lock)
        {
            if (_items.TryGetValue(key, out var list))
            {
                deltas = list.ToArray();
                return true;
            }
        }

        deltas = [];
        return false;
    }

    /// <summary>
    /// Waits for a key, removes it with all its deltas and runs <paramref name="process"/> on them.
    /// </summary>
    /// <remarks>
    /// <para><paramref name="process"/> runs synchronously while the queue lock is held (producers wait for it), after the
    /// key has left the queue: a change queued from inside <paramref name="process"/> starts a new entry at the back.
    /// The delta list belongs to the processor once it is called.</para>
    /// <para>If <paramref name="process"/> throws, the exception propagates to the caller of <see cref="PopAsync"/>
    /// (the returned task faults with it) and the popped deltas are not re-queued; the queue itself stays usable.</para>
    /// <para>Once <see cref="Close"/> was called, this throws <see cref="FifoClosedException"/> even if keys remain queued.</para>
    /// <para>Completes synchronously, without allocating, when a key is already queued.</para>
    /// </remarks>
    /// <exception cref="FifoClosedException">The queue was closed.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public ValueTask PopAsync(DeltaProcessor<T> process, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(process);
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        Task wait;
        try
        {
            lock (_lock)
            {
                if (TryPopLocked(process))
                {
                    return default;
                }

                wait = (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
        catch (Exception ex)
        {
            return ValueTask.FromException(ex);
        }

        return PopSlowAsync(process, wait, cancellationToken);
    }

    /// <summary>Closes the queue: waiting and later <see cref="PopAsync"/> calls throw <see cref="FifoClosedException"/>.</summary>
    public void Close()
    {
        lock (_lock)
        {
            _closed = true;
            WakeWaitersLocked();
        }
    }

    private async ValueTask PopSlowAsync(DeltaProcessor<T> process, Task wait, CancellationToken cancellationToken)
    {
        while (true)
        {
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (TryPopLocked(process))
                {
                    return;
                }

                wait = (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
    }

    /// <summary>Pops the head key and runs the processor; false when the queue is empty. Throws when closed.</summary>
    private bool TryPopLocked(DeltaProcessor<T> process)
    {
        if (_closed)
        {
            throw new FifoClosedException();
        }

        if (!TryDequeueLocked(out _, out var deltas, out var isInInitialList))
        {
            return false;
        }

        process(deltas, isInInitialList);
        return true;
    }

    /// <summary>Removes the head key and its deltas, counting it off the initial list; false when the queue is empty.</summary>
    private bool TryDequeueLocked(out string key, out List<Delta<T>> deltas, out bool isInInitialList)
    {
        if (!_queue.TryDequeue(out key!))
        {
            deltas = null!;
            isInInitialList = false;
            return false;
        }

        isInInitialList = !HasSyncedLocked;
        if (_initialPopulationCount > 0)
        {
            _initialPopulationCount--;
        }

        _items.Remove(key, out deltas!);
        return true;
    }

    private T Transform(T obj, string key)
        => _transform is null
            ? obj
            : _transform(obj) ?? throw new InvalidOperationException($"The DeltaFifo transform returned null for '{key}'.");

    private void QueueActionLocked(DeltaType type, T obj, string key, bool tombstone)
    {
        if (!_items.TryGetValue(key, out var deltas))
        {
            deltas = new List<Delta<T>>(2);
            _items.Add(key, deltas);
            _queue.Enqueue(key);
        }

        deltas.Add(new Delta<T>(type, obj, tombstone));
        DedupLastTwoLocked(deltas);
        WakeWaitersLocked();
    }

    // Relists and watches can report the same deletion twice in a row; keep one (the older, unless it is a tombstone).
    private static void DedupLastTwoLocked(List<Delta<T>> deltas)
    {
        var n = deltas.Count;
        if (n < 2)
        {
            return;
        }

        var newer = deltas[n - 1];
        var older = deltas[n - 2];
        if (newer.Type != DeltaType.Deleted || older.Type != DeltaType.Deleted)
        {
            return;
        }

        if (older.IsFinalStateUnknown)
        {
            deltas[n - 2] = newer;
        }

        deltas.RemoveAt(n - 1);
    }

    private void WakeWaitersLocked()
    {
        var waiter = _waiter;
        if (waiter is not null)
        {
            _waiter = null;
            waiter.TrySetResult();
        }
    }
}
