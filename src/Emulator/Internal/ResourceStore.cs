using System.Collections.Immutable;

namespace KubeInformers.Emulator.Internal;

/// <summary>
/// The state and bounded history of one served resource. Every member must be called with
/// <see cref="ApiState.Gate"/> held, except the immutable values it hands out (item sets, events), which may be read
/// anywhere. Each history event keeps the (structurally shared) item set after it, so a list at any RV still in the
/// window is served consistently.
/// </summary>
internal sealed class ResourceStore
{
    private readonly EventRing _events = new();
    private TaskCompletionSource _changed = NewSignal();

    public ResourceStore(ResourceType type) => Type = type;

    public ResourceType Type { get; set; }

    public ImmutableSortedSet<StoredObject> Items { get; private set; } = ImmutableSortedSet.Create<StoredObject>(StoredObject.KeyComparer.Instance);

    /// <summary>Lists and watches at an RV below this are expired (410).</summary>
    public long CompactedRv { get; private set; }

    /// <summary>The item set at <see cref="CompactedRv"/>.</summary>
    public ImmutableSortedSet<StoredObject> BaseState { get; private set; } = ImmutableSortedSet.Create<StoredObject>(StoredObject.KeyComparer.Instance);

    /// <summary>Sequence number the next event will get.</summary>
    public long NextSequence => _firstSequence + _events.Count;

    private long _firstSequence;

    /// <summary>True once the resource is no longer served (its CRD was deleted).</summary>
    public bool Removed { get; private set; }

    /// <summary>Completes at the next change (or removal); capture it together with a read.</summary>
    public Task Changed => _changed.Task;

    public int HistoryCount => _events.Count;

    public StoredObject? Get(string key) => Items.TryGetValue(StoredObject.Probe(key), out var actual) ? actual : null;

    public WatchEvent Append(ChangeType type, StoredObject? previous, StoredObject current, DateTimeOffset now, EmulatorOptions options)
    {
        Items = type switch
        {
            ChangeType.Added => Items.Add(current),
            ChangeType.Modified => Items.Remove(previous!).Add(current),
            _ => Items.Remove(previous!),
        };
        var ev = new WatchEvent(NextSequence, type, previous, current, Items, now);
        _events.Add(ev);
        Trim(now, options);
        Signal();
        return ev;
    }

    private void Trim(DateTimeOffset now, EmulatorOptions options)
    {
        var drop = 0;
        while (drop < _events.Count)
        {
            var remaining = _events.Count - drop;
            var oldest = _events[drop];
            if (remaining > options.HistoryMaxEvents || (remaining > options.HistoryMinEvents && now - oldest.Time > options.HistoryMaxAge))
            {
                drop++;
            }
            else
            {
                break;
            }
        }

        if (drop > 0)
        {
            var last = _events[drop - 1];
            CompactedRv = last.ResourceVersion;
            BaseState = last.StateAfter;
            _events.RemoveFirst(drop);
            _firstSequence += drop;
        }
    }

    /// <summary>Drops all history: only RVs at or after <paramref name="currentRv"/> remain valid.</summary>
    public void CompactAll(long currentRv)
    {
        _firstSequence += _events.Count;
        _events.Clear();
        CompactedRv = currentRv;
        BaseState = Items;
    }

    public void Remove()
    {
        Removed = true;
        Signal();
    }

    public void Signal()
    {
        var old = _changed;
        _changed = NewSignal();
        old.TrySetResult();
    }

    /// <summary>The item set as of <paramref name="rv"/>, or null when that RV is compacted.</summary>
    public ImmutableSortedSet<StoredObject>? StateAt(long rv)
    {
        if (rv < CompactedRv)
        {
            return null;
        }

        var i = LastIndexAtOrBefore(rv);
        return i < 0 ? BaseState : _events[i].StateAfter;
    }

    /// <summary>The sequence of the first event after <paramref name="rv"/>, or null when that RV is compacted.</summary>
    public long? SequenceAfter(long rv)
    {
        if (rv < CompactedRv)
        {
            return null;
        }

        return _firstSequence + LastIndexAtOrBefore(rv) + 1;
    }

    private int LastIndexAtOrBefore(long rv)
    {
        int lo = 0, hi = _events.Count - 1, found = -1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            if (_events[mid].ResourceVersion <= rv)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }

    /// <summary>
    /// Copies the events from <paramref name="sequence"/> on (at most <paramref name="max"/>). Returns false when
    /// that sequence has been compacted away (the reader fell behind).
    /// </summary>
    public bool TryRead(long sequence, int max, List<WatchEvent> into)
    {
        if (sequence < _firstSequence)
        {
            return false;
        }

        var start = (int)(sequence - _firstSequence);
        var end = Math.Min(_events.Count, start + max);
        for (var i = start; i < end; i++)
        {
            into.Add(_events[i]);
        }

        return true;
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A growable ring buffer of events (O(1) append and drop-oldest).</summary>
    private sealed class EventRing
    {
        private WatchEvent[] _items = new WatchEvent[16];
        private int _head;

        public int Count { get; private set; }

        public WatchEvent this[int index] => _items[(_head + index) % _items.Length];

        public void Add(WatchEvent ev)
        {
            if (Count == _items.Length)
            {
                var bigger = new WatchEvent[_items.Length * 2];
                for (var i = 0; i < Count; i++)
                {
                    bigger[i] = this[i];
                }

                _items = bigger;
                _head = 0;
            }

            _items[(_head + Count) % _items.Length] = ev;
            Count++;
        }

        public void RemoveFirst(int n)
        {
            for (var i = 0; i < n; i++)
            {
                _items[(_head + i) % _items.Length] = null!;
            }

            _head = (_head + n) % _items.Length;
            Count -= n;
        }

        public void Clear() => RemoveFirst(Count);
    }
}
