using System.Globalization;
using k8s.Models;

namespace KubeInformers.Reliability.Harness;

/// <summary>
/// A handler that checks the informer's delivery contract as it receives notifications and keeps, per key, the last
/// state it was told about. Checked on every call: calls never overlap; an add is for a key the handler does not
/// hold; an update's old object is exactly what the handler last saw (same resourceVersion) and never older than it; a delete
/// is for a key the handler holds, and a tombstone (<c>finalStateUnknown</c>) carries the last state the handler saw.
/// Thread-safe: the informer calls it from its loop, the test reads it from another thread.
/// </summary>
public sealed class RecordingHandler : IResourceEventHandler<V1ConfigMap>
{
    private readonly object _lock = new();
    private readonly Dictionary<string, string> _lastSeen = new(StringComparer.Ordinal);
    private readonly HashSet<string> _deletedKeys = new(StringComparer.Ordinal);
    private readonly List<string> _violations = [];
    private int _inside;
    private int _violationCount;
    private volatile bool _removed;

    public RecordingHandler(string name) => Name = name;

    public string Name { get; }

    public int Adds { get; private set; }

    public int Updates { get; private set; }

    public int Deletes { get; private set; }

    public int TombstoneDeletes { get; private set; }

    /// <summary>Marks the handler as unregistered: any call that starts afterwards is a violation.</summary>
    public void MarkRemoved() => _removed = true;

    /// <summary>Whether <see cref="MarkRemoved"/> was called.</summary>
    public bool Removed => _removed;

    /// <summary>
    /// Whether deleted keys are remembered for <see cref="DeletedKeys"/> (default true). A soak turns it off: over an hour
    /// of churn the set would grow with every delete.
    /// </summary>
    public bool TrackDeletedKeys { get; init; } = true;

    /// <summary>Violations seen (all of them; <see cref="Violations"/> keeps the first 50).</summary>
    public int ViolationCount => Volatile.Read(ref _violationCount);

    /// <summary>Where each notification is recorded (kind, key, resourceVersion) for a failure report; null: nowhere.</summary>
    public Journal? Journal { get; init; }

    /// <summary>Optional extra work inside each call (blocking or throwing handlers in the isolation tests).</summary>
    public Action<string>? OnEach { get; init; }

    public void OnAdd(V1ConfigMap obj, bool isInInitialList) => Deliver("add", () =>
    {
        var key = Key(obj);
        if (_lastSeen.TryGetValue(key, out var rv))
        {
            Violation($"add of {key}@{Rv(obj)} while the handler holds it @{rv}");
        }

        _lastSeen[key] = Rv(obj);
        Adds++;
    }, obj);

    public void OnUpdate(V1ConfigMap oldObj, V1ConfigMap newObj) => Deliver("update", () =>
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
    }, newObj);

    public void OnDelete(V1ConfigMap obj, bool finalStateUnknown) => Deliver("delete", () =>
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

        if (TrackDeletedKeys)
        {
            _deletedKeys.Add(key);
        }

        Deletes++;
        if (finalStateUnknown)
        {
            TombstoneDeletes++;
        }
    }, obj);

    /// <summary>The keys the handler holds, with the resourceVersion it last saw.</summary>
    public Dictionary<string, string> Snapshot()
    {
        lock (_lock)
        {
            return new Dictionary<string, string>(_lastSeen, StringComparer.Ordinal);
        }
    }

    /// <summary>Keys the handler has ever received a delete for.</summary>
    public HashSet<string> DeletedKeys()
    {
        lock (_lock)
        {
            return [.. _deletedKeys];
        }
    }

    public IReadOnlyList<string> Violations()
    {
        lock (_lock)
        {
            return [.. _violations];
        }
    }

    private void Deliver(string kind, Action record, V1ConfigMap obj)
    {
        if (_removed)
        {
            lock (_lock)
            {
                Violation($"{kind} of {Key(obj)}@{Rv(obj)} after RemoveEventHandler returned");
            }
        }

        if (Interlocked.Increment(ref _inside) != 1)
        {
            lock (_lock)
            {
                Violation($"concurrent delivery: {kind} of {Key(obj)} while another call was running");
            }
        }

        try
        {
            lock (_lock)
            {
                record();
            }

            Journal?.Add(Name, Key(obj), kind + " @" + Rv(obj));
            OnEach?.Invoke(Key(obj));
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

    public static string Key(V1ConfigMap obj) => obj.Metadata.NamespaceProperty + "/" + obj.Metadata.Name;

    public static string Rv(V1ConfigMap obj) => obj.Metadata.ResourceVersion ?? "";

    private static long RvNumber(V1ConfigMap obj) =>
        long.TryParse(obj.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
}
