using System.Globalization;
using k8s.Models;

namespace KubeInformers.Reliability.Harness;

/// <summary>
/// What the API server should hold, computed only from the writes the harness made and the answers it got: per key the
/// tier label and data value it last wrote, and the resourceVersion of the last answer (unknown when an answer was lost
/// and the retry found the write already done). <see cref="Compare"/> holds the emulator's final list against it, so an
/// emulator that loses or invents a write cannot hide behind informers that agree with it. Thread-safe (fault hooks
/// write from informer threads).
/// </summary>
public sealed class ServerModel
{
    private readonly object _lock = new();
    private readonly Dictionary<string, Expected> _objects = new(StringComparer.Ordinal);
    private readonly List<string> _problems = [];

    /// <summary>Writes recorded so far.</summary>
    public int Writes { get; private set; }

    /// <summary>The key of an object (namespace/name).</summary>
    public static string Key(V1ConfigMap obj) => obj.Metadata.NamespaceProperty + "/" + obj.Metadata.Name;

    /// <summary>A create the harness made; <paramref name="answer"/> is null when the answer was lost (409 on the retry).</summary>
    public void Created(V1ConfigMap written, V1ConfigMap? answer)
    {
        lock (_lock)
        {
            Writes++;
            var key = Key(written);
            if (_objects.ContainsKey(key))
            {
                _problems.Add($"{key} was created twice by the harness (names are never reused)");
            }

            _objects[key] = new Expected(Tier(written), Data(written), answer is null ? null : Rv(answer));
        }
    }

    /// <summary>A merge patch of the tier label or the data value; <paramref name="answer"/> is the server's answer to it.</summary>
    public void Patched(string key, string? tier, string? data, V1ConfigMap answer)
    {
        lock (_lock)
        {
            Writes++;
            if (!_objects.TryGetValue(key, out var before))
            {
                _problems.Add($"{key} was patched by the harness although the model does not hold it");
                return;
            }

            var after = before with { Tier = tier ?? before.Tier, Data = data ?? before.Data, Rv = Rv(answer) };
            if (Tier(answer) != after.Tier || Data(answer) != after.Data)
            {
                _problems.Add($"{key}: the answer to a patch to tier={after.Tier} v={after.Data} says tier={Tier(answer)} v={Data(answer)}");
            }

            var changed = after.Tier != before.Tier || after.Data != before.Data;
            if (before.Rv is { } old && after.Rv is { } now && (changed ? now <= old : now != old))
            {
                _problems.Add($"{key}: a {(changed ? "" : "no-op ")}patch moved the resourceVersion from {old} to {now}");
            }

            _objects[key] = after;
        }
    }

    /// <summary>A delete the harness made (whether or not its answer arrived).</summary>
    public void Deleted(string key)
    {
        lock (_lock)
        {
            Writes++;
            if (!_objects.Remove(key))
            {
                _problems.Add($"{key} was deleted by the harness although the model does not hold it");
            }
        }
    }

    /// <summary>The keys the model holds.</summary>
    public IReadOnlyCollection<string> Keys
    {
        get
        {
            lock (_lock)
            {
                return [.. _objects.Keys];
            }
        }
    }

    /// <summary>Every way <paramref name="server"/> (the emulator's final list, by key) differs from the model.</summary>
    public List<string> Compare(IReadOnlyDictionary<string, V1ConfigMap> server)
    {
        lock (_lock)
        {
            var problems = new List<string>(_problems);
            foreach (var (key, e) in _objects)
            {
                if (!server.TryGetValue(key, out var obj))
                {
                    problems.Add($"{key} was written (tier={e.Tier} v={e.Data} @{e.Rv?.ToString(CultureInfo.InvariantCulture) ?? "?"}) and not deleted, but the server does not list it");
                    continue;
                }

                if (Tier(obj) != e.Tier || Data(obj) != e.Data)
                {
                    problems.Add($"{key}: the harness last wrote tier={e.Tier} v={e.Data}, the server lists tier={Tier(obj)} v={Data(obj)}");
                }

                if (e.Rv is { } rv && Rv(obj) != rv)
                {
                    problems.Add($"{key}: the last answer said @{rv}, the server lists @{Rv(obj)}");
                }
            }

            problems.AddRange(server.Keys.Where(k => !_objects.ContainsKey(k)).Select(k => $"{k}@{Rv(server[k])} is listed by the server but the harness never created it or deleted it"));
            return problems;
        }
    }

    private static string? Tier(V1ConfigMap o) => o.Metadata.Labels is { } l && l.TryGetValue("tier", out var t) ? t : null;

    private static string? Data(V1ConfigMap o) => o.Data is { } d && d.TryGetValue("v", out var v) ? v : null;

    private static long Rv(V1ConfigMap o) => long.Parse(o.Metadata.ResourceVersion, NumberStyles.None, CultureInfo.InvariantCulture);

    private sealed record Expected(string? Tier, string? Data, long? Rv);
}
