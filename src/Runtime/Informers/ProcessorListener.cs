using Microsoft.Extensions.Logging;

namespace KubeInformers;

/// <summary>What a handler is told: an add, an update (or resync), or a delete.</summary>
internal enum NotificationKind : byte { Add, Update, Delete }

/// <summary>One notification for one handler.</summary>
/// <param name="Kind">Add, update or delete.</param>
/// <param name="Object">The object (the new state for an update).</param>
/// <param name="Old">The previous state, for an update.</param>
/// <param name="Flag">For an add: isInInitialList. For a delete: finalStateUnknown.</param>
internal readonly record struct Notification<T>(NotificationKind Kind, T Object, T? Old, bool Flag) where T : class
{
    /// <summary>An add from the initial list: its registration is not synced until it has been delivered.</summary>
    public bool IsInitialAdd => Kind == NotificationKind.Add && Flag;
}

/// <summary>
/// One handler registration: an unbounded buffer and its own loop, so a slow handler delays only itself and calls for
/// one registration never overlap. A handler exception is logged and the loop goes on. <see cref="Remove"/> returns only
/// once no call is in progress (the loop checks "removed" and calls the handler under one gate), so nothing starts or
/// runs after it returns; from inside the handler's own call it does not wait (the gate is re-entrant). Thread-safe.
/// </summary>
internal sealed class ProcessorListener<T> : IEventHandlerRegistration where T : class
{
    private const int BatchSize = 64;

    private readonly NotificationBuffer<T> _buffer = new();

    private readonly IResourceEventHandler<T> _handler;
    private readonly Func<bool> _informerSynced;
    private readonly ILogger _logger;
    private readonly string _informerName;
    private int _pendingInitial;
    // Items of the batch the loop has taken from the buffer and not yet started to deliver.
    private int _batchRemaining;
    private volatile bool _removed;
    // Held by the loop from its "removed?" check through the handler call; Remove takes it once to wait for that call.
    private readonly object _deliveryGate = new();

    public ProcessorListener(IResourceEventHandler<T> handler, TimeSpan requestedResyncPeriod, TimeSpan resyncPeriod, DateTimeOffset now,
        Func<bool> informerSynced, ILogger logger, string informerName)
    {
        _handler = handler;
        RequestedResyncPeriod = requestedResyncPeriod;
        ResyncPeriod = resyncPeriod;
        _informerSynced = informerSynced;
        _logger = logger;
        _informerName = informerName;
        NextResync = now + resyncPeriod;
    }

    public TimeSpan RequestedResyncPeriod { get; }

    /// <summary>The resync period in force (zero: none).</summary>
    public TimeSpan ResyncPeriod { get; }

    /// <summary>When this handler is next due for a resync. Guarded by the processor's lock.</summary>
    public DateTimeOffset NextResync { get; set; }

    /// <summary>The handler's loop; completes when the registration is removed or the informer stops.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public bool HasSynced => _informerSynced() && Volatile.Read(ref _pendingInitial) == 0;

    public int PendingNotifications => _buffer.Count + Volatile.Read(ref _batchRemaining);

    public bool IsRemoved => _removed;

    public string HandlerName => _handler.GetType().Name;

    public bool ShouldResync(DateTimeOffset now) => ResyncPeriod > TimeSpan.Zero && now >= NextResync;

    public void Start(CancellationToken stopping) => Completion = Task.Run(() => RunAsync(stopping), CancellationToken.None);

    /// <summary>Queues a notification (never blocks). Initial adds are counted until delivered, for <see cref="HasSynced"/>.</summary>
    public void Enqueue(in Notification<T> notification)
    {
        var countsForSync = notification.IsInitialAdd;
        if (countsForSync)
        {
            Interlocked.Increment(ref _pendingInitial);
        }

        if (!_buffer.TryWrite(notification) && countsForSync)
        {
            Interlocked.Decrement(ref _pendingInitial);
        }
    }

    /// <summary>Queues an initial add for each object, in order (never blocks); counted like <see cref="Enqueue"/>'s.</summary>
    public void EnqueueInitialAdds(T[] objects)
    {
        Interlocked.Add(ref _pendingInitial, objects.Length);
        var written = _buffer.WriteInitialAdds(objects);
        if (written < objects.Length)
        {
            Interlocked.Add(ref _pendingInitial, written - objects.Length);
        }
    }

    /// <summary>
    /// Stops delivering: what is buffered is dropped. Returns once a call to the handler in progress has ended (at once
    /// when called from inside that call): a check of <c>_removed</c> that passed just before it was set cannot start a
    /// call after this returns. <paramref name="waitForCallInProgress"/> false: does not wait (the informer's stop, which
    /// awaits <see cref="Completion"/> instead of blocking a thread).
    /// </summary>
    public void Remove(bool waitForCallInProgress = true)
    {
        _removed = true;
        _buffer.Complete();
        if (waitForCallInProgress)
        {
            lock (_deliveryGate)
            {
                // Nothing: entering the gate waits for the loop's current check-and-call to finish.
            }
        }
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        using var stop = stopping.Register(static b => ((NotificationBuffer<T>)b!).Complete(), _buffer);
        var batch = new Notification<T>[BatchSize];
        while (true)
        {
            var n = _buffer.TryTake(batch, out var wait);
            if (n == 0)
            {
                if (!await wait.ConfigureAwait(false))
                {
                    return;
                }

                continue;
            }

            Volatile.Write(ref _batchRemaining, n);
            for (var i = 0; i < n; i++)
            {
                lock (_deliveryGate)
                {
                    if (_removed || stopping.IsCancellationRequested)
                    {
                        Volatile.Write(ref _batchRemaining, 0);
                        Array.Clear(batch);
                        return;
                    }

                    Volatile.Write(ref _batchRemaining, n - i - 1);
                    Deliver(batch[i]);
                }

                batch[i] = default;
            }
        }
    }

    private void Deliver(in Notification<T> notification)
    {
        var initial = notification.IsInitialAdd;
        try
        {
            switch (notification.Kind)
            {
                case NotificationKind.Add:
                    _handler.OnAdd(notification.Object, notification.Flag);
                    break;
                case NotificationKind.Update:
                    _handler.OnUpdate(notification.Old!, notification.Object);
                    break;
                case NotificationKind.Delete:
                    _handler.OnDelete(notification.Object, notification.Flag);
                    break;
            }
        }
        catch (Exception ex)
        {
            InformerLog.HandlerFailed(_logger, _informerName, HandlerName, notification.Kind.ToString(), ex);
        }
        finally
        {
            if (initial)
            {
                Interlocked.Decrement(ref _pendingInitial);
            }
        }
    }
}
