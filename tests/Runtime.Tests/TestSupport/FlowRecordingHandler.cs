using System.Collections.Concurrent;
using k8s.Models;

namespace KubeInformers.Tests.TestSupport;

/// <summary>
/// Records what a handler receives as short strings ("add a@5 initial", "update a@5->a@6", "resync a@5",
/// "delete b@6 unknown"), with the fake time of delivery. <see cref="Before"/> runs first and may block or throw.
/// </summary>
internal sealed class FlowRecordingHandler(TimeProvider? time = null) : IResourceEventHandler<V1ConfigMap>
{
    private readonly ConcurrentQueue<(string Text, DateTimeOffset At)> _events = new();

    public Action<string>? Before { get; set; }

    public IReadOnlyList<string> Events => [.. _events.Select(e => e.Text)];

    public IReadOnlyList<DateTimeOffset> TimesOf(string prefix) => [.. _events.Where(e => e.Text.StartsWith(prefix, StringComparison.Ordinal)).Select(e => e.At)];

    public int Count => _events.Count;

    public void OnAdd(V1ConfigMap obj, bool isInInitialList) =>
        Record($"add {Id(obj)}{(isInInitialList ? " initial" : "")}");

    public void OnUpdate(V1ConfigMap oldObj, V1ConfigMap newObj) =>
        Record(oldObj.Metadata.ResourceVersion == newObj.Metadata.ResourceVersion
            ? $"resync {Id(newObj)}"
            : $"update {Id(oldObj)}->{newObj.Metadata.ResourceVersion}");

    public void OnDelete(V1ConfigMap obj, bool finalStateUnknown) =>
        Record($"delete {Id(obj)}{(finalStateUnknown ? " unknown" : "")}");

    private void Record(string text)
    {
        Before?.Invoke(text);
        _events.Enqueue((text, (time ?? TimeProvider.System).GetUtcNow()));
    }

    private static string Id(V1ConfigMap obj) => obj.Metadata.Name + "@" + obj.Metadata.ResourceVersion;
}
