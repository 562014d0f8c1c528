using System.Collections.Concurrent;
using k8s.Models;

namespace KubeInformers.Benchmarks.Soak;

/// <summary>
/// The soak's handler: keeps the last state it was told about per key and counts contract breaks (an add for a key it
/// holds, an update whose old object is not what it last saw, a delete for a key it does not hold, overlapping calls).
/// Called by one informer registration; read from the sampling thread.
/// </summary>
public sealed class SoakHandler : IResourceEventHandler<V1ConfigMap>
{
    private readonly ConcurrentDictionary<string, string> _lastSeen = new(StringComparer.Ordinal);
    private int _inside;
    private long _events;
    private long _violations;
    private long _tombstones;

    /// <summary>Notifications received.</summary>
    public long Events => Interlocked.Read(ref _events);

    /// <summary>Contract breaks seen.</summary>
    public long Violations => Interlocked.Read(ref _violations);

    /// <summary>Deletes delivered with finalStateUnknown.</summary>
    public long Tombstones => Interlocked.Read(ref _tombstones);

    /// <summary>Keys held, with the resourceVersion last seen.</summary>
    public IReadOnlyDictionary<string, string> LastSeen => _lastSeen;

    /// <inheritdoc/>
    public void OnAdd(V1ConfigMap obj, bool isInInitialList) => Deliver(() =>
    {
        if (!_lastSeen.TryAdd(Key(obj), obj.Metadata.ResourceVersion ?? ""))
        {
            Interlocked.Increment(ref _violations);
            _lastSeen[Key(obj)] = obj.Metadata.ResourceVersion ?? "";
        }
    });

    /// <inheritdoc/>
    public void OnUpdate(V1ConfigMap oldObj, V1ConfigMap newObj) => Deliver(() =>
    {
        var key = Key(newObj);
        if (!_lastSeen.TryGetValue(key, out var seen) || seen != oldObj.Metadata.ResourceVersion)
        {
            Interlocked.Increment(ref _violations);
        }

        _lastSeen[key] = newObj.Metadata.ResourceVersion ?? "";
    });

    /// <inheritdoc/>
    public void OnDelete(V1ConfigMap obj, bool finalStateUnknown) => Deliver(() =>
    {
        if (!_lastSeen.TryRemove(Key(obj), out _))
        {
            Interlocked.Increment(ref _violations);
        }

        if (finalStateUnknown)
        {
            Interlocked.Increment(ref _tombstones);
        }
    });

    private void Deliver(Action record)
    {
        if (Interlocked.Increment(ref _inside) != 1)
        {
            Interlocked.Increment(ref _violations);
        }

        try
        {
            record();
            Interlocked.Increment(ref _events);
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
        }
    }

    /// <summary>The cache key of a ConfigMap.</summary>
    public static string Key(V1ConfigMap obj) => obj.Metadata.NamespaceProperty + "/" + obj.Metadata.Name;
}
