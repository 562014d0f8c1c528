namespace KubeInformers;

/// <summary>
/// A rate-limited, delaying work queue with client-go workqueue semantics: an item is queued at most once;
/// an item added while it is being processed is processed again after <see cref="Done"/>, never concurrently.
/// Time (delays) comes from a <see cref="TimeProvider"/>. Thread-safe.
/// </summary>
/// <remarks>
/// <para>Semantics (client-go <c>util/workqueue</c>): the queue keeps a <em>dirty</em> set (items waiting to be
/// processed) and a <em>processing</em> set (items handed out by <see cref="GetAsync"/> and not yet <see cref="Done"/>).
/// <see cref="Add"/> of a dirty item does nothing; <see cref="Add"/> of an item being processed marks it dirty, and
/// <see cref="Done"/> queues it again. Items come out in the order they were queued.</para>
/// <para>Delays: <see cref="AddAfter"/> keeps one pending time per item (the earliest wins) in a heap, and a single
/// timer from the <see cref="TimeProvider"/> fires at the earliest one, so a fake clock drives it deterministically.</para>
/// <para>Shutdown: after <see cref="ShutDown"/> adds are ignored, delayed items are dropped, and <see cref="GetAsync"/>
/// hands out what is still queued before it reports <c>Shutdown = true</c>. <see cref="ShutDownWithDrainAsync"/>
/// also waits until every item handed out is <see cref="Done"/>.</para>
/// <para>Locking: one monitor with short critical sections; waiting workers hold no thread (they await a shared
/// completion source completed by every add). Usual use: workers loop <c>GetAsync</c> → process → <c>Forget</c> or
/// <c>AddRateLimited</c> → <c>Done</c> (in a <c>finally</c>).</para>
/// </remarks>
public sealed class WorkQueue<T> : IDisposable where T : notnull
{
    private readonly object _lock = new();
    private readonly Queue<T> _queue = new();
    private readonly HashSet<T> _dirty = [];
    private readonly HashSet<T> _processing = [];
    private readonly IWorkQueueRateLimiter<T> _rateLimiter;
    private readonly TimeProvider _timeProvider;

    // Delayed items: the earliest ready time per item, and a heap that may hold stale (superseded) entries.
    private readonly Dictionary<T, long> _waitingReadyAt = [];
    private readonly PriorityQueue<T, long> _waiting = new();
    private ITimer? _timer;
    private long _timerDueAt = long.MaxValue;

    private bool _shuttingDown;
    private bool _disposed;
    private TaskCompletionSource? _itemWaiter;
    private TaskCompletionSource? _drainWaiter;

    /// <summary>Creates a queue.</summary>
    /// <param name="rateLimiter">The retry policy for <see cref="AddRateLimited"/>; defaults to <see cref="WorkQueueRateLimiters.Default{T}"/>.</param>
    /// <param name="timeProvider">The clock for delays.</param>
    /// <param name="name">A name for metrics and logs.</param>
    public WorkQueue(IWorkQueueRateLimiter<T>? rateLimiter = null, TimeProvider? timeProvider = null, string? name = null)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _rateLimiter = rateLimiter ?? WorkQueueRateLimiters.Default<T>(_timeProvider);
        Name = name;
    }

    /// <summary>The queue's name.</summary>
    public string? Name { get; }

    /// <summary>How many items wait to be processed (not counting delayed ones or ones in processing).</summary>
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

    /// <summary>How many items wait for a delay (<see cref="AddAfter"/>, <see cref="AddRateLimited"/>) to pass.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_lock)
            {
                return _waitingReadyAt.Count;
            }
        }
    }

    /// <summary>Whether <see cref="ShutDown"/> was called.</summary>
    public bool ShuttingDown
    {
        get
        {
            lock (_lock)
            {
                return _shuttingDown;
            }
        }
    }

    /// <summary>Queues an item unless it is already queued.</summary>
    public void Add(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_lock)
        {
            AddLocked(item);
        }
    }

    /// <summary>Queues an item after a delay; the earliest pending delay for an item wins.</summary>
    /// <remarks>A delay of zero or less queues the item at once. Ignored after <see cref="ShutDown"/>.</remarks>
    public void AddAfter(T item, TimeSpan delay)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (delay <= TimeSpan.Zero)
        {
            Add(item);
            return;
        }

        lock (_lock)
        {
            if (_shuttingDown)
            {
                return;
            }

            var readyAt = SaturatingAdd(_timeProvider.GetTimestamp(), ToTimestampTicks(delay));
            if (_waitingReadyAt.TryGetValue(item, out var existing) && existing <= readyAt)
            {
                return;
            }

            _waitingReadyAt[item] = readyAt;
            _waiting.Enqueue(item, readyAt);
            ArmTimerLocked();
        }
    }

    /// <summary>Queues an item after the rate limiter's delay for it.</summary>
    public void AddRateLimited(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (ShuttingDown)
        {
            return;
        }

        AddAfter(item, _rateLimiter.When(item));
    }

    /// <summary>Clears an item's retry history (call after it succeeds).</summary>
    public void Forget(T item) => _rateLimiter.Forget(item);

    /// <summary>How many times the item was retried since it was last forgotten.</summary>
    public int NumRequeues(T item) => _rateLimiter.NumRequeues(item);

    /// <summary>Waits for an item and marks it as being processed. Returns <c>(default, true)</c> once shut down and empty.</summary>
    /// <remarks>Every item returned with <c>Shutdown = false</c> must be passed to <see cref="Done"/>. Completes
    /// synchronously when an item is queued.</remarks>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (no item is taken).</exception>
    public ValueTask<(T Item, bool Shutdown)> GetAsync(CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<(T, bool)>(cancellationToken);
        }

        Task wait;
        lock (_lock)
        {
            if (TryTakeLocked(out var result))
            {
                return new ValueTask<(T, bool)>(result);
            }

            wait = (_itemWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        return GetSlowAsync(wait, cancellationToken);
    }

    /// <summary>Marks an item as processed; if it was added meanwhile, it is queued again.</summary>
    public void Done(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        lock (_lock)
        {
            _processing.Remove(item);
            if (_dirty.Contains(item))
            {
                _queue.Enqueue(item);
                WakeGettersLocked();
            }

            if (_processing.Count == 0 && _drainWaiter is { } drained)
            {
                _drainWaiter = null;
                drained.TrySetResult();
            }
        }
    }

    /// <summary>Stops accepting items; <see cref="GetAsync"/> drains what is queued, then reports shutdown.</summary>
    public void ShutDown()
    {
        lock (_lock)
        {
            ShutDownLocked();
        }
    }

    /// <summary>Stops accepting items and waits until every item being processed is <see cref="Done"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled before the in-flight items were done (the queue stays shut down).</exception>
    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default)
    {
        Task drained;
        lock (_lock)
        {
            ShutDownLocked();
            if (_processing.Count == 0)
            {
                return Task.CompletedTask;
            }

            drained = (_drainWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
        }

        return drained.WaitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    /// <remarks>Shuts the queue down (without waiting) and releases its timer.</remarks>
    public void Dispose()
    {
        ITimer? timer;
        lock (_lock)
        {
            ShutDownLocked();
            _disposed = true;
            timer = _timer;
            _timer = null;
        }

        timer?.Dispose();
    }

    private async ValueTask<(T Item, bool Shutdown)> GetSlowAsync(Task wait, CancellationToken cancellationToken)
    {
        while (true)
        {
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
            lock (_lock)
            {
                if (TryTakeLocked(out var result))
                {
                    return result;
                }

                wait = (_itemWaiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
        }
    }

    private bool TryTakeLocked(out (T Item, bool Shutdown) result)
    {
        if (_queue.TryDequeue(out var item))
        {
            _processing.Add(item);
            _dirty.Remove(item);
            result = (item, false);
            return true;
        }

        result = (default!, true);
        return _shuttingDown;
    }

    private void AddLocked(T item)
    {
        if (_shuttingDown || !_dirty.Add(item))
        {
            return;
        }

        if (_processing.Contains(item))
        {
            return; // Done will queue it again.
        }

        _queue.Enqueue(item);
        WakeGettersLocked();
    }

    private void ShutDownLocked()
    {
        if (_shuttingDown)
        {
            return;
        }

        _shuttingDown = true;
        _waiting.Clear();
        _waitingReadyAt.Clear();
        _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        _timerDueAt = long.MaxValue;
        WakeGettersLocked();
    }

    private void WakeGettersLocked()
    {
        if (_itemWaiter is { } waiter)
        {
            _itemWaiter = null;
            waiter.TrySetResult();
        }
    }

    private void OnTimer(object? state)
    {
        lock (_lock)
        {
            if (_disposed || _shuttingDown)
            {
                return;
            }

            _timerDueAt = long.MaxValue;
            var now = _timeProvider.GetTimestamp();
            while (_waiting.TryPeek(out var item, out var readyAt) && readyAt <= now)
            {
                _waiting.Dequeue();
                if (_waitingReadyAt.TryGetValue(item, out var current) && current == readyAt)
                {
                    _waitingReadyAt.Remove(item);
                    AddLocked(item);
                }
            }

            ArmTimerLocked();
        }
    }

    /// <summary>Points the timer at the earliest pending ready time (dropping stale heap entries first).</summary>
    private void ArmTimerLocked()
    {
        while (_waiting.TryPeek(out var item, out var readyAt))
        {
            if (_waitingReadyAt.TryGetValue(item, out var current) && current == readyAt)
            {
                break;
            }

            _waiting.Dequeue();
        }

        if (!_waiting.TryPeek(out _, out var earliest) || earliest >= _timerDueAt || _disposed)
        {
            return;
        }

        _timerDueAt = earliest;
        var due = FromTimestampTicks(Math.Max(0, earliest - _timeProvider.GetTimestamp()));
        if (_timer is null)
        {
            _timer = _timeProvider.CreateTimer(OnTimer, null, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _timer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private long ToTimestampTicks(TimeSpan delay)
    {
        var ticks = delay.TotalSeconds * _timeProvider.TimestampFrequency;
        return ticks >= long.MaxValue ? long.MaxValue : (long)Math.Ceiling(ticks);
    }

    // Rounded up, so the timer never fires before the item is ready.
    private TimeSpan FromTimestampTicks(long ticks)
    {
        var timeSpanTicks = Math.Ceiling(ticks * (double)TimeSpan.TicksPerSecond / _timeProvider.TimestampFrequency);
        return timeSpanTicks >= TimeSpan.MaxValue.Ticks / 2 ? TimeSpan.FromDays(30) : TimeSpan.FromTicks((long)timeSpanTicks);
    }

    private static long SaturatingAdd(long a, long b) => b > long.MaxValue - a ? long.MaxValue : a + b;
}
