using System.Collections.Concurrent;
using System.Globalization;
using k8s.Models;

namespace KubeInformers.TestSupport;

/// <summary>
/// A ConfigMap handler that records what it receives and checks the informer's delivery contract as it goes.
/// <list type="bullet">
/// <item>Records each notification as a short string with the (fake) time of delivery: "add a@5 initial",
/// "update a@5->6", "resync a@5" (an update whose old and new resourceVersion are equal), "delete b@6 unknown"
/// (<see cref="Events"/>, <see cref="TimesOf"/>).</item>
/// <item>Keeps, per key, the last state it was told about (<see cref="Snapshot"/>) and counts adds, updates, deletes and
/// tombstones.</item>
/// <item>Checks on every call (a broken rule is kept in <see cref="Violations"/>, never thrown): calls never overlap; an
/// add is for a key the handler does not hold; an update's old object is exactly what the handler last saw (same
/// resourceVersion) and never newer than the new one; a delete is for a key the handler holds, and a tombstone
/// (<c>finalStateUnknown</c>) carries the last state the handler saw; no call starts after <see cref="MarkRemoved"/>.</item>
/// </list>
/// <see cref="Before"/> runs first and may block or throw (then nothing is recorded); <see cref="After"/> runs once the
/// call is recorded and may block or throw too. Both get the object's key. Thread-safe: the informer calls it from its
/// loop, the test reads it from another thread.
/// </summary>
public sealed class RecordingHandler : IResourceEventHandler<V1ConfigMap>
{
    private readonly object _lock = new();
    private readonly TimeProvider _time;
    private readonly ConcurrentQueue<(string Text, DateTimeOffset At)> _events = new();
    private readonly Dictionary<string, string> _lastSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deletedKeys = new(StringComparer.Ordinal);
    private readonly List<string> _violations = [];
    private int _inside;
    private int _violationCount;
    private volatile bool _removed;

    /// <summary>A handler named "handler" that stamps deliveries with <paramref name="time"/> (default: the system clock).</summary>
    public RecordingHandler(TimeProvider? time = null)
        : this("handler", time)
    {
    }

    /// <summary>A handler named <paramref name="name"/> (in violations and journals) that stamps deliveries with <paramref name="time"/>.</summary>
    public RecordingHandler(string name, TimeProvider? time = null)
    {
        Name = name;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>The name violations and <see cref="OnRecorded"/> carry.</summary>
    public string Name { get; }

    /// <summary>Runs first on every call with the object's key; may block or throw (then the call records nothing).</summary>
    public Action<string>? Before { get; set; }

    /// <summary>Runs once a call is recorded, with the object's key; may block or throw (the call still counts).</summary>
    public Action<string>? After { get; init; }

    /// <summary>Where each notification is reported once recorded, as (handler name, key, "add @5"); null: nowhere.</summary>
    public Action<string, string, string>? OnRecorded { get; init; }

    /// <summary>
    /// Whether <see cref="Events"/> and <see cref="DeletedKeys"/> keep what was received (default true). A soak turns it
    /// off: over an hour of churn they would grow with every notification.
    /// </summary>
    public bool KeepHistory { get; init; } = true;

    /// <summary>Every notification so far as a short string, in order of delivery.</summary>
    public IReadOnlyList<string> Events => [.. _events.Select(e => e.Text)];

    /// <summary>How many notifications <see cref="Events"/> holds.</summary>
    public int Count => _events.Count;

    /// <summary>When each notification whose text starts with <paramref name="prefix"/> was delivered, in order.</summary>
    public IReadOnlyList<DateTimeOffset> TimesOf(string prefix) =>
        [.. _events.Where(e => e.Text.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.At)];

    /// <summary>Adds received.</summary>
    public int Adds { get; private set; }

    /// <summary>Updates received (resyncs included).</summary>
    public int Updates { get; private set; }

    /// <summary>Deletes received (tombstones included).</summary>
    public int Deletes { get; private set; }

    /// <summary>Deletes received with <c>finalStateUnknown</c>.</summary>
    public int TombstoneDeletes { get; private set; }

    /// <summary>Marks the handler as unregistered: any call that starts afterwards is a violation.</summary>
    public void MarkRemoved() => _removed = true;

    /// <summary>Whether <see cref="MarkRemoved"/> was called.</summary>
    public bool Removed => _removed;

    /// <summary>Violations seen (all of them; <see cref="Violations"/> keeps the first 50).</summary>
    public int ViolationCount => Volatile.Read(ref _violationCount);

    /// <inheritdoc/>
    public void OnAdd(V1ConfigMap obj, bool isInInitialList) => Deliver("add", $"add {Id(obj)}{(isInInitialList ? " initial" : "")}", obj, () =>
    {
        var key = Key(obj);
        if (_lastSeen.TryGetValue(key, out var rv))
        {
            Violation($"add of {key}@{Rv(obj)} while the handler holds it @{rv}");
        }

        _lastSeen[key] = Rv(obj);
        Adds++;
    });

    /// <inheritdoc/>
    public void OnUpdate(V1ConfigMap oldObj, V1ConfigMap newObj) => Deliver("update",
        oldObj.Metadata.ResourceVersion == newObj.Metadata.ResourceVersion ? $"resync {Id(newObj)}" : $"update {Id(oldObj)}->{newObj.Metadata.ResourceVersion}",
        newObj, () =>
        {
            var key = Key(newObj);
            if (Key(oldObj) != key)
            {
                Violation($"update with old key {Key(oldObj)} and new key {key}");
            }

            if (!_lastSeen.TryGetValue(key, out var seen))
            {
                Violation($"update of {key}@{Rv(newObj)} the handler never got an add for");
            }
            else if (seen != Rv(oldObj))
            {
                Violation($"update of {key}: old object @{Rv(oldObj)} but the handler last saw @{seen}");
            }

            if (RvNumber(newObj) < RvNumber(oldObj))
            {
                Violation($"update of {key} went back in time: @{Rv(oldObj)} -> @{Rv(newObj)}");
            }

            _lastSeen[key] = Rv(newObj);
            Updates++;
        });

    /// <inheritdoc/>
    public void OnDelete(V1ConfigMap obj, bool finalStateUnknown) => Deliver("delete", $"delete {Id(obj)}{(finalStateUnknown ? " unknown" : "")}", obj, () =>
    {
        var key = Key(obj);
        if (!_lastSeen.Remove(key, out var seen))
        {
            Violation($"delete of {key}@{Rv(obj)} (finalStateUnknown={finalStateUnknown}) the handler does not hold");
        }
        else if (finalStateUnknown && seen != Rv(obj))
        {
            Violation($"tombstone of {key} carries @{Rv(obj)} but the handler last saw @{seen}");
        }

        if (KeepHistory)
        {
            _deletedKeys.Add(key);
        }

        Deletes++;
        if (finalStateUnknown)
        {
            TombstoneDeletes++;
        }
    });

    /// <summary>The keys the handler holds, with the resourceVersion it last saw.</summary>
    public Dictionary<string, string> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, string>(_lastSeen, StringComparer.Ordinal);
        }
    }

    /// <summary>Keys the handler has ever received a delete for (empty without <see cref="KeepHistory"/>).</summary>
    public HashSet<string> DeletedKeys()
    {
        lock (_lock)
        {
            return [.. _deletedKeys];
        }
    }

    /// <summary>The first 50 violations, each prefixed with the handler's name.</summary>
    public IReadOnlyList<string> Violations()
    {
        lock (_lock)
        {
            return [.. _violations];
        }
    }

    /// <summary>An object's cache key: "namespace/name".</summary>
    public static string Key(V1ConfigMap obj) => obj.Metadata.NamespaceProperty + "/" + obj.Metadata.Name;

    /// <summary>An object's resourceVersion ("" when it has none).</summary>
    public static string Rv(V1ConfigMap obj) => obj.Metadata.ResourceVersion ?? "";

    private void Deliver(string kind, string text, V1ConfigMap obj, Action check)
    {
        var key = Key(obj);
        Before?.Invoke(key);
        if (_removed)
        {
            lock (_lock)
            {
                Violation($"{kind} of {key}@{Rv(obj)} after RemoveEventHandler returned");
            }
        }

        if (Interlocked.Increment(ref _inside) != 1)
        {
            lock (_lock)
            {
                Violation($"concurrent delivery: {kind} of {key} while another call was running");
            }
        }

        try
        {
            lock (_lock)
            {
                check();
            }

            if (KeepHistory)
            {
                _events.Enqueue((text, _time.GetUtcNow()));
            }

            OnRecorded?.Invoke(Name, key, kind + " @" + Rv(obj));
            After?.Invoke(key);
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    private void Violation(string message)
    {
        Interlocked.Increment(ref _violationCount);
        if (_violations.Count < 50)
        {
            _violations.Add($"[{Name}] {message}");
        }
    }

    private static string Id(V1ConfigMap obj) => obj.Metadata.Name + "@" + obj.Metadata.ResourceVersion;

    private static long RvNumber(V1ConfigMap obj) =>
        long.TryParse(obj.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
}
