using System.Globalization;
using k8s.Models;
using KubeInformers;

namespace DeploymentWatcher;

/// <summary>
/// Turns informer notifications into one line each: <c>ADD</c>, <c>UPDATE</c> (with what changed), <c>RESYNC</c> and
/// <c>DELETE</c>. Called on the handler's own loop (one call at a time); the lines are written under a lock so the demo's
/// own lines do not interleave. Counts the lines and signals when <c>--exit-after</c> is reached.
/// </summary>
internal sealed class EventPrinter : IResourceEventHandler<V1Deployment>
{
    private readonly TextWriter _output;
    private readonly int? _exitAfter;
    private readonly TaskCompletionSource _enough = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _lines;

    public EventPrinter(TextWriter output, int? exitAfter)
    {
        _output = output;
        _exitAfter = exitAfter;
    }

    /// <summary>Completes when <c>--exit-after</c> lines have been printed.</summary>
    public Task Enough => _enough.Task;

    public void OnAdd(V1Deployment obj, bool isInInitialList) =>
        Print("ADD", obj, $"replicas={Replicas(obj)} labels={Labels(obj)}{(isInInitialList ? " (initial list)" : "")}");

    public void OnUpdate(V1Deployment oldObj, V1Deployment newObj)
    {
        if (oldObj.Metadata.ResourceVersion == newObj.Metadata.ResourceVersion)
        {
            Print("RESYNC", newObj, $"replicas={Replicas(newObj)}");
            return;
        }
        var changes = new List<string>();
        if (Replicas(oldObj) != Replicas(newObj))
        {
            changes.Add($"replicas {Replicas(oldObj)}->{Replicas(newObj)}");
        }
        if (Labels(oldObj) != Labels(newObj))
        {
            changes.Add($"labels {Labels(oldObj)}->{Labels(newObj)}");
        }
        if (oldObj.Metadata.Generation != newObj.Metadata.Generation && changes.Count == 0)
        {
            changes.Add($"generation {oldObj.Metadata.Generation}->{newObj.Metadata.Generation}");
        }
        Print("UPDATE", newObj, changes.Count == 0 ? "metadata/status" : string.Join(", ", changes));
    }

    public void OnDelete(V1Deployment obj, bool finalStateUnknown) =>
        Print("DELETE", obj, finalStateUnknown ? "(missed while disconnected; last known state)" : "");

    private void Print(string kind, V1Deployment d, string detail)
    {
        var line = string.Create(CultureInfo.InvariantCulture,
            $"{kind,-7} {d.Metadata.NamespaceProperty}/{d.Metadata.Name} rv={d.Metadata.ResourceVersion} {detail}").TrimEnd();
        lock (_output)
        {
            _output.WriteLine(line);
            _output.Flush();
        }
        if (_exitAfter is { } max && Interlocked.Increment(ref _lines) >= max)
        {
            _enough.TrySetResult();
        }
    }

    private static string Replicas(V1Deployment d) => d.Spec?.Replicas?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Labels(V1Deployment d) =>
        d.Metadata.Labels is { Count: > 0 } labels
            ? string.Join(",", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value))
            : "<none>";
}
