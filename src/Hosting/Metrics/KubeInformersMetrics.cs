using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using k8s;
using k8s.Models;
using KubeInformers.Hosting.Health;
using static KubeInformers.Hosting.Metrics.KubeInformersInstruments;

namespace KubeInformers.Hosting.Metrics;

/// <summary>
/// The <c>KubeInformers</c> meter and its instruments (names in <see cref="KubeInformersInstruments"/>). Informer gauges
/// are read from <see cref="ISharedInformer"/> when a listener collects; counters are fed by a notification handler per
/// informer (<see cref="TrackInformer"/>), by the health monitor (errors), and by controllers and work queues.
/// Created through <see cref="IMeterFactory"/> when the container has one, so each host has its own meter. Thread-safe.
/// </summary>
public sealed class KubeInformersMetrics : IDisposable
{
    private readonly IInformerSource _source;
    private readonly Counter<long> _notifications;
    private readonly Counter<long> _errors;
    private readonly Counter<long> _queueAdds;
    private readonly Counter<long> _queueRetries;
    private readonly Histogram<double> _queueLatency;
    private readonly Histogram<double> _reconcileDuration;
    private readonly Counter<long> _leaderTransitions;
    private readonly Counter<long> _reconcileErrors;
    private readonly Counter<long> _eventsDropped;
    private readonly Counter<long> _eventsWritten;
    private readonly ConcurrentDictionary<(string Informer, string Handler), IEventHandlerRegistration> _handlers = new();
    private readonly ConcurrentDictionary<string, Func<int>> _queues = new();
    private readonly ConcurrentDictionary<string, Func<bool>> _leases = new();
    private readonly ConcurrentDictionary<ISharedInformer, byte> _tracked = new(ReferenceEqualityComparer.Instance);
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/> (or a new <see cref="Meter"/>).</summary>
    public KubeInformersMetrics(IInformerSource source, IMeterFactory? meterFactory = null, InformerHealthMonitor? monitor = null,
        TimeProvider? timeProvider = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _timeProvider = timeProvider ?? TimeProvider.System;
        Meter = meterFactory?.Create(MeterName) ?? new Meter(MeterName);

        Meter.CreateObservableGauge(CacheSize, () => PerInformer(i => i.CacheCount), "{object}", "Objects in the informer's cache.");
        Meter.CreateObservableGauge(Synced, () => PerInformer(i => i.HasSynced ? 1 : 0), null, "1 once the informer has synced.");
        Meter.CreateObservableGauge(LastActivityAge, ObserveActivityAge, "s", "Seconds since the informer last received a list, event or bookmark.");
        Meter.CreateObservableGauge(HandlerPending, ObserveHandlers, "{notification}", "Notifications waiting in a handler's buffer.");
        Meter.CreateObservableGauge(WorkQueueDepth, ObserveQueues, "{item}", "Items waiting in the work queue.");
        Meter.CreateObservableGauge(IsLeader, ObserveLeases, null, "1 while this replica holds the lease.");
        _notifications = Meter.CreateCounter<long>(Notifications, "{notification}", "Notifications the informer delivered to handlers.");
        _errors = Meter.CreateCounter<long>(Errors, "{error}", "List/watch errors seen (sampled).");
        _queueAdds = Meter.CreateCounter<long>(WorkQueueAdds, "{item}", "Items added to the work queue.");
        _queueRetries = Meter.CreateCounter<long>(WorkQueueRetries, "{item}", "Rate-limited retries.");
        _queueLatency = Meter.CreateHistogram<double>(WorkQueueLatency, "s", "Time an item waited in the queue.");
        _reconcileDuration = Meter.CreateHistogram<double>(ReconcileDuration, "s", "Duration of one reconcile.");
        _leaderTransitions = Meter.CreateCounter<long>(LeaderTransitions, "{transition}", "Leadership changes of this replica.");
        _reconcileErrors = Meter.CreateCounter<long>(ReconcileErrors, "{error}", "Reconciles that threw.");
        _eventsDropped = Meter.CreateCounter<long>(EventsDropped, "{event}", "Events the recorder dropped.");
        _eventsWritten = Meter.CreateCounter<long>(EventsWritten, "{event}", "Events the recorder wrote.");

        if (monitor is not null)
        {
            monitor.ErrorObserved += RecordError;
        }
    }

    /// <summary>The meter (named <c>KubeInformers</c>).</summary>
    public Meter Meter { get; }

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
        var name = new KeyValuePair<string, object?>("informer", InformerNames.Of(informer));
        var registration = informer.AddEventHandler(new ResourceEventHandler<T>
        {
            Added = (_, initial) => _notifications.Add(1, name, new("type", "add"), new("initial_list", initial)),
            Updated = (o, n) => _notifications.Add(1, name,
                new("type", o.Metadata?.ResourceVersion == n.Metadata?.ResourceVersion ? "resync" : "update")),
            Deleted = (_, unknown) => _notifications.Add(1, name, new("type", "delete"), new("final_state_unknown", unknown)),
        });
        TrackHandler(InformerNames.Of(informer), "kubeinformers-metrics", registration);
    }

    /// <summary>Reports <paramref name="registration"/>'s buffer depth as <c>kubeinformers.handler.pending</c>.</summary>
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
    public void RecordQueueAdd(string queue, string kind) => _queueAdds.Add(1, new("queue", queue), new("kind", kind));

    /// <summary>Records a rate-limited retry.</summary>
    public void RecordRetry(string queue) => _queueRetries.Add(1, new KeyValuePair<string, object?>("queue", queue));

    /// <summary>Records how long an item waited before a worker took it.</summary>
    public void RecordQueueLatency(string queue, TimeSpan waited) =>
        _queueLatency.Record(waited.TotalSeconds, new KeyValuePair<string, object?>("queue", queue));

    /// <summary>Records one reconcile.</summary>
    public void RecordReconcile(string controller, string result, TimeSpan duration) =>
        _reconcileDuration.Record(duration.TotalSeconds, new("controller", controller), new("result", result));

    /// <summary>Records a reconcile that threw <paramref name="error"/>.</summary>
    public void RecordReconcileError(string controller, Exception error) =>
        _reconcileErrors.Add(1, new("controller", controller), new("error", error?.GetType().Name));

    /// <summary>Records an event the recorder dropped, and why (<c>queue_full</c>, <c>rate_limited</c>, <c>failed</c>).</summary>
    public void RecordEventDropped(string controller, string reason) =>
        _eventsDropped.Add(1, new("controller", controller), new("reason", reason));

    /// <summary>Records an event the recorder wrote (<c>create</c> or <c>series_update</c>).</summary>
    public void RecordEventWritten(string controller, string action) =>
        _eventsWritten.Add(1, new("controller", controller), new("action", action));

    /// <summary>Records a leadership change.</summary>
    public void RecordLeaderTransition(string lease, bool acquired) =>
        _leaderTransitions.Add(1, new("lease", lease), new("event", acquired ? "acquired" : "lost"));

    private void RecordError(ISharedInformer informer, Exception error)
    {
        var reason = error is KubernetesApiException api ? $"{(int)api.StatusCode} {api.Reason}" : error.GetType().Name;
        _errors.Add(1, new("informer", InformerNames.Of(informer)), new("reason", reason));
    }

    private IEnumerable<Measurement<int>> PerInformer(Func<ISharedInformer, int> value) =>
        _source.Informers.Select(i => new Measurement<int>(value(i), new KeyValuePair<string, object?>("informer", InformerNames.Of(i))));

    private IEnumerable<Measurement<double>> ObserveActivityAge()
    {
        var now = _timeProvider.GetUtcNow();
        foreach (var informer in _source.Informers)
        {
            if (informer.LastActivity is { } last)
            {
                yield return new Measurement<double>((now - last).TotalSeconds, new KeyValuePair<string, object?>("informer", InformerNames.Of(informer)));
            }
        }
    }

    private IEnumerable<Measurement<int>> ObserveHandlers() =>
        _handlers.Select(h => new Measurement<int>(h.Value.PendingNotifications, new("informer", h.Key.Informer), new("handler", h.Key.Handler)));

    private IEnumerable<Measurement<int>> ObserveQueues() =>
        _queues.Select(q => new Measurement<int>(q.Value(), new KeyValuePair<string, object?>("queue", q.Key)));

    private IEnumerable<Measurement<int>> ObserveLeases() =>
        _leases.Select(l => new Measurement<int>(l.Value() ? 1 : 0, new KeyValuePair<string, object?>("lease", l.Key)));

    /// <inheritdoc/>
    public void Dispose() => Meter.Dispose();
}
