using System.Threading.Tasks.Sources;

namespace KubeInformers;

/// <summary>
/// The unbounded buffer between an informer and one handler's loop: any number of writers, exactly one reader.
/// </summary>
/// <remarks>
/// <para>Order: items are read in the order they were written (writes are serialized by one lock).</para>
/// <para>Cost: a write takes the lock and copies the item into a ring that grows by doubling (and shrinks back once
/// drained after a burst), so steady state allocates nothing; the reader takes up to a batch of items per lock; a
/// reader with nothing to read parks on a reusable <see cref="IValueTaskSource{TResult}"/>, so waiting allocates
/// nothing either. A write that finds the reader parked wakes it on the thread pool's global queue, never inline on the
/// writer's thread (the writer is the informer, which must not run handler code) nor queued behind the writer's own
/// work, as a channel does.</para>
/// <para>Completion: after <see cref="Complete"/>, writes are refused and the reader gets false once it has nothing
/// left to read.</para>
/// </remarks>
internal sealed class NotificationBuffer<T> : IValueTaskSource<bool>, IThreadPoolWorkItem where T : class
{
    private const int InitialCapacity = 16;
    private const int ShrinkAbove = 1024;

    private readonly object _lock = new();
    private Notification<T>[] _ring = new Notification<T>[InitialCapacity];
    private int _head;
    private int _count;
    private bool _completed;
    private bool _waiting;
    // Completed from a thread-pool work item (see Wake), so its continuation runs there, inline.
    private ManualResetValueTaskSourceCore<bool> _waiter;
    private bool _wakeResult;

    /// <summary>Items written and not yet taken by the reader.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _count;
            }
        }
    }

    /// <summary>Appends an item; false once completed.</summary>
    public bool TryWrite(in Notification<T> item)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed)
            {
                return false;
            }

            if (_count == _ring.Length)
            {
                Grow(_count + 1);
            }

            _ring[(_head + _count) % _ring.Length] = item;
            _count++;
            wake = _waiting;
            _waiting = false;
        }

        if (wake)
        {
            Wake(true);
        }

        return true;
    }

    /// <summary>Appends one initial add per object, in order, under one lock; the number written (0 once completed).</summary>
    public int WriteInitialAdds(T[] objects)
    {
        bool wake;
        lock (_lock)
        {
            if (_completed || objects.Length == 0)
            {
                return 0;
            }

            if (_count + objects.Length > _ring.Length)
            {
                Grow(_count + objects.Length);
            }

            var tail = _head + _count;
            foreach (var obj in objects)
            {
                _ring[tail++ % _ring.Length] = new Notification<T>(NotificationKind.Add, obj, null, true);
            }

            _count += objects.Length;
            wake = _waiting;
            _waiting = false;
        }

        if (wake)
        {
            Wake(true);
        }

        return objects.Length;
    }

    /// <summary>Refuses further writes and wakes the reader. Idempotent.</summary>
    public void Complete()
    {
        bool wake;
        lock (_lock)
        {
            _completed = true;
            wake = _waiting;
            _waiting = false;
        }

        if (wake)
        {
            Wake(false);
        }
    }

    /// <summary>
    /// The reader only: moves up to <paramref name="batch"/>'s length of items into it and returns how many (at least one),
    /// or returns 0 and a task that completes with true when an item arrives, or false when completed and empty.
    /// </summary>
    public int TryTake(Notification<T>[] batch, out ValueTask<bool> wait)
    {
        lock (_lock)
        {
            if (_count > 0)
            {
                var n = Math.Min(_count, batch.Length);
                for (var i = 0; i < n; i++)
                {
                    ref var slot = ref _ring[_head];
                    batch[i] = slot;
                    slot = default;
                    _head = (_head + 1) % _ring.Length;
                }

                _count -= n;
                if (_count == 0)
                {
                    _head = 0;
                    if (_ring.Length > ShrinkAbove)
                    {
                        _ring = new Notification<T>[InitialCapacity];
                    }
                }

                wait = default;
                return n;
            }

            if (_completed)
            {
                wait = new ValueTask<bool>(false);
                return 0;
            }

            _waiter.Reset();
            _waiting = true;
            wait = new ValueTask<bool>(this, _waiter.Version);
            return 0;
        }
    }

    // At most one wake is outstanding: the reader parks again only after it has been woken and has resumed.
    private void Wake(bool result)
    {
        _wakeResult = result;
        ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute() => _waiter.SetResult(_wakeResult);

    private void Grow(int needed)
    {
        var capacity = _ring.Length;
        while (capacity < needed)
        {
            capacity *= 2;
        }

        var ring = new Notification<T>[capacity];
        for (var i = 0; i < _count; i++)
        {
            ring[i] = _ring[(_head + i) % _ring.Length];
        }

        _ring = ring;
        _head = 0;
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _waiter.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _waiter.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _waiter.OnCompleted(continuation, state, token, flags);
}
