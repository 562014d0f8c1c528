using System.Diagnostics.Metrics;
using k8s;
using k8s.Models;
using static KubeInformers.Hosting.Metrics.KubeInformersInstruments;

namespace KubeInformers.Hosting.Metrics;

/// <summary>
/// The hosting-level instruments (names in <see cref="KubeInformersInstruments"/>), created once per process on the
/// runtime's one <c>KubeInformers</c> meter, beside the reflector's (<see cref="ReflectorInstruments"/>): one meter, one
/// instrument per concept, one tag vocabulary (<c>resource</c> names an informer everywhere). An instance is one host's
/// view: its informer gauges read the instance's <see cref="IInformerSource"/> when a listener collects, its counters are
/// fed by a notification handler per informer (<see cref="TrackInformer"/>) and by controllers, work queues, leader
/// election and the event recorder. Several live instances (several hosts in one process) report through the same
/// instruments, told apart by their tags. Thread-safe; <see cref="Dispose"/> stops the instance's gauges reporting.
/// </summary>
public sealed class KubeInformersMetrics : IDisposable
{
    private static readonly Meter Meter = RuntimeMeter.Meter;
    private static readonly object s_gate = new();
    private static KubeInformersMetrics[] s_live = [];

    private static readonly Counter<long> s_notifications = Meter.CreateCounter<long>(Notifications, "{notification}", "Notifications the informer delivered to handlers.");
    private static readonly Counter<long> s_queueAdds = Meter.CreateCounter<long>(WorkQueueAdds, "{item}", "Items added to the work queue.");
    private static readonly Counter<long> s_queueRetries = Meter.CreateCounter<long>(WorkQueueRetries, "{item}", "Rate-limited retries.");
    private static readonly Histogram<double> s_queueLatency = Meter.CreateHistogram<double>(WorkQueueLatency, "s", "Time an item waited in the queue.");
    private static readonly Histogram<double> s_reconcileDuration = Meter.CreateHistogram<double>(ReconcileDuration, "s", "Duration of one reconcile.");
    private static readonly Counter<long> s_leaderTransitions = Meter.CreateCounter<long>(LeaderTransitions, "{transition}", "Leadership changes of this replica.");
    private static readonly Counter<long> s_reconcileErrors = Meter.CreateCounter<long>(ReconcileErrors, "{error}", "Reconciles that threw.");
    private static readonly Counter<long> s_eventsDropped = Meter.CreateCounter<long>(EventsDropped, "{event}", "Events the recorder dropped.");
    private static readonly Counter<long> s_eventsWritten = Meter.CreateCounter<long>(EventsWritten, "{event}", "Events the recorder wrote.");

    private readonly IInformerSource _source;
    private readonly TimeProvider _timeProvider;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string Resource, string Handler), IEventHandlerRegistration> _handlers = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<int>> _queues = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Func<bool>> _leases = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<ISharedInformer, byte> _tracked = new(ReferenceEqualityComparer.Instance);

    // The observable instruments, created once (after s_live); their callbacks read every live instance.
    static KubeInformersMetrics()
    {
        Meter.CreateObservableGauge(CacheSize, () => Observe(m => m.PerInformer(i => i.CacheCount)), "{object}", "Objects in the informer's cache.");
        Meter.CreateObservableGauge(Synced, () => Observe(m => m.PerInformer(i => i.HasSynced ? 1 : 0)), null, "1 once the informer has synced.");
        Meter.CreateObservableGauge(LastActivityAge, () => Observe(m => m.ObserveActivityAge()), "s", "Seconds since the informer last received a list, event or bookmark.");
        Meter.CreateObservableGauge(HandlerPending, () => Observe(m => m.ObserveHandlers()), "{notification}", "Notifications waiting in a handler's buffer.");
        Meter.CreateObservableGauge(WorkQueueDepth, () => Observe(m => m.ObserveQueues()), "{item}", "Items waiting in the work queue.");
        Meter.CreateObservableGauge(IsLeader, () => Observe(m => m.ObserveLeases()), null, "1 while this replica holds the lease.");
    }

    /// <summary>Creates one host's view and makes its gauges report (until <see cref="Dispose"/>).</summary>
    /// <param name="source">The informers whose cache size, sync state and activity the gauges report.</param>
    /// <param name="timeProvider">The clock of <c>kubeinformers.informer.last_activity.age</c>.</param>
    public KubeInformersMetrics(IInformerSource source, TimeProvider? timeProvider = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _timeProvider = timeProvider ?? TimeProvider.System;
        lock (s_gate)
        {
            s_live = [.. s_live, this];
        }
    }

    /// <summary>
    /// Counts the notifications of <paramref name="informer"/> by adding a handler to it (once per informer; later calls
    /// do nothing). Works for any <see cref="SharedIndexInformer{T}"/>; other implementations are ignored.
    /// </summary>
    public void TrackInformer(ISharedInformer informer)
    {
        ArgumentNullException.ThrowIfNull(informer);
        if (!_tracked.TryAdd(informer, 0))
        {
            return;
        }
        var type = informer.GetType();
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(SharedIndexInformer<>))
        {
            typeof(KubeInformersMetrics).GetMethod(nameof(TrackTyped), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!
                .MakeGenericMethod(type.GetGenericArguments()[0])
                .Invoke(this, [informer]);
        }
    }

    /// <summary>Counts the notifications of a typed informer.</summary>
    public void TrackInformer<T>(SharedIndexInformer<T> informer) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(informer);
        if (_tracked.TryAdd(informer, 0))
        {
            TrackTyped(informer);
        }
    }

    private void TrackTyped<T>(SharedIndexInformer<T> informer) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var resource = InformerNames.Of(informer);
        var tag = new KeyValuePair<string, object?>("resource", resource);
        var registration = informer.AddEventHandler(new ResourceEventHandler<T>
        {
            Added = (_, initial) => s_notifications.Add(1, tag, new("type", "add"), new("initial_list", initial)),
            Updated = (o, n) => s_notifications.Add(1, tag,
                new("type", o.Metadata?.ResourceVersion == n.Metadata?.ResourceVersion ? "resync" : "update")),
            Deleted = (_, unknown) => s_notifications.Add(1, tag, new("type", "delete"), new("final_state_unknown", unknown)),
        });
        TrackHandler(resource, "kubeinformers-metrics", registration);
    }

    /// <summary>Reports <paramref name="registration"/>'s buffer depth as <c>kubeinformers.handler.pending</c>.</summary>
    /// <param name="informer">The informer's name, the <c>resource</c> tag (e.g. <c>deployments.apps/v1</c>).</param>
    /// <param name="handler">The handler's name, the <c>handler</c> tag.</param>
    /// <param name="registration">The registration whose pending notifications are reported.</param>
    public void TrackHandler(string informer, string handler, IEventHandlerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _handlers[(informer, handler)] = registration;
    }

    /// <summary>Reports a work queue's depth as <c>kubeinformers.workqueue.depth</c>.</summary>
    public void TrackQueue(string queue, Func<int> depth)
    {
        ArgumentNullException.ThrowIfNull(depth);
        _queues[queue] = depth;
    }

    /// <summary>Reports a lease's leadership as <c>kubeinformers.leader.is_leader</c>.</summary>
    public void TrackLease(string lease, Func<bool> isLeader)
    {
        ArgumentNullException.ThrowIfNull(isLeader);
        _leases[lease] = isLeader;
    }

    /// <summary>Records an add to a queue.</summary>
    public void RecordQueueAdd(string queue, string kind) => s_queueAdds.Add(1, new("queue", queue), new("kind", kind));

    /// <summary>Records a rate-limited retry.</summary>
    public void RecordRetry(string queue) => s_queueRetries.Add(1, new KeyValuePair<string, object?>("queue", queue));

    /// <summary>Records how long an item waited before a worker took it.</summary>
    public void RecordQueueLatency(string queue, TimeSpan waited) =>
        s_queueLatency.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("queue", queue));

    /// <summary>Records one reconcile.</summary>
    public void RecordReconcile(string controller, string result, TimeSpan duration) =>
        s_reconcileDuration.Record(duration.TotalSeconds, new("controller", controller), new("result", result));

    /// <summary>Records a reconcile that threw <paramref name="error"/>.</summary>
    public void RecordReconcileError(string controller, Exception error) =>
        s_reconcileErrors.Add(1, new("controller", controller), new("error", error?.GetType().Name));

    /// <summary>Records an event the recorder dropped, and why (<c>queue_full</c>, <c>rate_limited</c>, <c>failed</c>).</summary>
    public void RecordEventDropped(string controller, string reason) =>
        s_eventsDropped.Add(1, new("controller", controller), new("reason", reason));

    /// <summary>Records an event the recorder wrote (<c>create</c> or <c>series_update</c>).</summary>
    public void RecordEventWritten(string controller, string action) =>
        s_eventsWritten.Add(1, new("controller", controller), new("action", action));

    /// <summary>Records a leadership change.</summary>
    public void RecordLeaderTransition(string lease, bool acquired) =>
        s_leaderTransitions.Add(1, new("lease", lease), new("event", acquired ? "acquired" : "lost"));

    private static IEnumerable<Measurement<TValue>> Observe<TValue>(Func<KubeInformersMetrics, IEnumerable<Measurement<TValue>>> observe)
        where TValue : struct
    {
        foreach (var metrics in Volatile.Read(ref s_live))
        {
            foreach (var measurement in observe(metrics))
            {
                yield return measurement;
            }
        }
    }

    private IEnumerable<Measurement<int>> PerInformer(Func<ISharedInformer, int> value) =>
        _source.Informers.Select(i => new Measurement<int>(value(i), new KeyValuePair<string, object?>("resource", InformerNames.Of(i))));

    private IEnumerable<Measurement<double>> ObserveActivityAge()
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var informer in _source.Informers)
        {
            if (informer.LastActivity is { } last)
            {
                yield return new Measurement<double>((now - last).TotalSeconds, new KeyValuePair<string, object?>("resource", InformerNames.Of(informer)));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveHandlers() =>
        _handlers.Select(h => new Measurement<int>(h.Value.PendingNotifications, new("resource", h.Key.Resource), new("handler", h.Key.Handler)));

    private IEnumerable<Measurement<int>> ObserveQueues() =>
        _queues.Select(q => new Measurement<int>(q.Value(), new KeyValuePair<string, object?>("queue", q.Key)));

    private IEnumerable<Measurement<int>> ObserveLeases() =>
        _leases.Select(l => new Measurement<int>(l.Value() ? 1 : 0, new KeyValuePair<string, object?>("lease", l.Key)));

    /// <summary>Stops this instance's gauges reporting; the process-wide instruments stay. Idempotent.</summary>
    public void Dispose()
    {
        lock (s_gate)
        {
            s_live = [.. s_live.Where(m => !ReferenceEquals(m, this))];
        }
    }
}
