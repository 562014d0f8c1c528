namespace KubeInformers.Hosting.Metrics;

/// <summary>
/// The names of the hosting-level instruments, created on the runtime's one meter (<see cref="ReflectorInstruments.MeterName"/>,
/// <c>KubeInformers</c>) beside the reflector's; docs/hosting.md lists both. An informer is tagged <c>resource</c> everywhere
/// (e.g. <c>deployments.apps/v1</c>). Units follow OpenTelemetry conventions: durations in seconds.
/// </summary>
public static class KubeInformersInstruments
{
    /// <summary>Observable gauge: objects in an informer's cache. Tag <c>resource</c>.</summary>
    public const string CacheSize = "kubeinformers.informer.cache.size";
    /// <summary>Observable gauge: 1 when an informer has synced, else 0. Tag <c>resource</c>.</summary>
    public const string Synced = "kubeinformers.informer.synced";
    /// <summary>Observable gauge: seconds since an informer last received a list, event or bookmark. Tag <c>resource</c>.</summary>
    public const string LastActivityAge = "kubeinformers.informer.last_activity.age";
    /// <summary>Counter: notifications an informer delivered to handlers. Tags <c>resource</c>, <c>type</c> (add, update, resync, delete), <c>initial_list</c> (adds), <c>final_state_unknown</c> (deletes).</summary>
    public const string Notifications = "kubeinformers.informer.notifications";
    /// <summary>Observable gauge: notifications waiting in a tracked handler's buffer. Tags <c>resource</c>, <c>handler</c>.</summary>
    public const string HandlerPending = "kubeinformers.handler.pending";
    /// <summary>Observable gauge: items waiting in a work queue. Tag <c>queue</c>.</summary>
    public const string WorkQueueDepth = "kubeinformers.workqueue.depth";
    /// <summary>Counter: items added to a work queue (immediate, delayed and rate-limited). Tags <c>queue</c>, <c>kind</c> (add, after, rate_limited).</summary>
    public const string WorkQueueAdds = "kubeinformers.workqueue.adds";
    /// <summary>Counter: rate-limited retries after a failed reconcile. Tag <c>queue</c>.</summary>
    public const string WorkQueueRetries = "kubeinformers.workqueue.retries";
    /// <summary>Histogram (s): how long an item waited in the queue before a worker took it. Tag <c>queue</c>.</summary>
    public const string WorkQueueLatency = "kubeinformers.workqueue.queue.duration";
    /// <summary>Histogram (s): duration of one reconcile. Tags <c>controller</c>, <c>result</c> (success, requeue, requeue_after, error, canceled).</summary>
    public const string ReconcileDuration = "kubeinformers.reconcile.duration";
    /// <summary>Observable gauge: 1 while this replica holds the lease, else 0. Tag <c>lease</c>.</summary>
    public const string IsLeader = "kubeinformers.leader.is_leader";
    /// <summary>Counter: leadership changes of this replica. Tags <c>lease</c>, <c>event</c> (acquired, lost).</summary>
    public const string LeaderTransitions = "kubeinformers.leader.transitions";
    /// <summary>Counter: reconciles that threw. Tags <c>controller</c>, <c>error</c> (the exception type's name).</summary>
    public const string ReconcileErrors = "kubeinformers.reconcile.errors";
    /// <summary>Counter: events the event recorder dropped (its queue was full, or the rate limit spent). Tags <c>controller</c>, <c>reason</c> (queue_full, rate_limited, failed).</summary>
    public const string EventsDropped = "kubeinformers.events.dropped";
    /// <summary>Counter: events the event recorder wrote. Tags <c>controller</c>, <c>action</c> (create, series_update).</summary>
    public const string EventsWritten = "kubeinformers.events.written";
}
