using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers.Hosting.Events;

/// <summary>
/// Records <c>events.k8s.io/v1</c> Events about objects, as client-go's <c>tools/events</c> does:
/// <list type="bullet">
/// <item><see cref="Record"/> never blocks and never throws for a full queue: the event goes into a bounded queue, or is
/// dropped and counted (<c>kubeinformers.events.dropped</c>, reason <c>queue_full</c>) when the queue is full.</item>
/// <item>A spam filter per regarding object (a token bucket: <see cref="EventRecorderOptions.Burst"/>, then one per
/// <see cref="EventRecorderOptions.RefillInterval"/>) drops floods (reason <c>rate_limited</c>).</item>
/// <item>Repeats aggregate: an event with the same type, action, reason, reporting controller and instance, regarding
/// and related object as one written within <see cref="EventRecorderOptions.SeriesWindow"/> does not create a new Event;
/// the first one's <c>series</c> (count, lastObservedTime) is patched instead. The note is not part of that identity.</item>
/// </list>
/// One background writer sends the queue to the API server in order; a failed write is logged and counted (reason
/// <c>failed</c>), never retried in a loop. <see cref="Start"/> starts the writer; <see cref="DisposeAsync"/> stops it
/// after writing what is queued (bounded by its own deadline). Thread-safe.
/// </summary>
public sealed partial class EventRecorder : IAsyncDisposable
{
    private const int MaxNoteLength = 1024;
    private readonly IKubernetes _client;
    private readonly EventRecorderOptions _options;
    private readonly TimeProvider _time;
    private readonly KubeInformersMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly Channel<Eventsv1Event> _queue;
    private readonly ConcurrentDictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Eventsv1Event> _series = new(StringComparer.Ordinal); // writer thread only
    private readonly CancellationTokenSource _stop = new();
    private Task? _writer;
    private long _dropped;
    private long _written;

    /// <summary>Creates the recorder (call <see cref="Start"/> to begin writing).</summary>
    /// <exception cref="InvalidOperationException">The options are incomplete.</exception>
    public EventRecorder(IKubernetes client, EventRecorderOptions options, TimeProvider? timeProvider = null,
        KubeInformersMetrics? metrics = null, ILogger<EventRecorder>? logger = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        ReportingController = options.ReportingController!;
        ReportingInstance = options.ReportingInstance ?? Environment.MachineName;
        _time = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _queue = Channel.CreateBounded<Eventsv1Event>(new BoundedChannelOptions(options.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails instead of evicting: we count the drop
            SingleReader = true,
        });
    }

    /// <summary>The <c>reportingController</c> of the events.</summary>
    public string ReportingController { get; }

    /// <summary>The <c>reportingInstance</c> of the events.</summary>
    public string ReportingInstance { get; }

    /// <summary>Events dropped so far (queue full, rate limited, or a failed write).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events written so far (created, or folded into a series).</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Events waiting to be written.</summary>
    public int Pending => _queue.Reader.Count;

    /// <summary>Starts the background writer (idempotent).</summary>
    public void Start()
    {
        lock (_stop)
        {
            ObjectDisposedException.ThrowIf(_stop.IsCancellationRequested, this);
            _writer ??= Task.Run(WriteLoopAsync);
        }
    }

    /// <summary>
    /// Queues an event about <paramref name="regarding"/>. Returns false when it was dropped (the object's rate limit is
    /// spent, or the queue is full); never blocks.
    /// </summary>
    /// <param name="regarding">The object the event is about.</param>
    /// <param name="type"><see cref="EventTypes.Normal"/> or <see cref="EventTypes.Warning"/>.</param>
    /// <param name="reason">Why, in CamelCase (e.g. <c>DeploymentCreated</c>).</param>
    /// <param name="action">What the controller did or failed to do, in CamelCase (e.g. <c>Create</c>).</param>
    /// <param name="note">A human-readable description (cut to 1 kB).</param>
    /// <param name="related">A second object involved, e.g. the Deployment created.</param>
    public bool Record(IKubernetesObject<V1ObjectMeta> regarding, string type, string reason, string action, string? note = null,
        IKubernetesObject<V1ObjectMeta>? related = null)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        ArgumentException.ThrowIfNullOrEmpty(reason);
        ArgumentException.ThrowIfNullOrEmpty(action);
        if (type is not (EventTypes.Normal or EventTypes.Warning))
        {
            throw new ArgumentException($"An event's type is Normal or Warning, not '{type}'.", nameof(type));
        }
        var reference = Reference(regarding);
        var now = _time.GetUtcNow();
        var bucket = _buckets.GetOrAdd(reference.Uid ?? CacheKeys.MetaNamespaceKey(regarding), _ => new TokenBucket(_options.Burst, now));
        if (!bucket.TryTake(now, _options.Burst, _options.RefillInterval))
        {
            Drop("rate_limited");
            return false;
        }
        var ev = new Eventsv1Event
        {
            ApiVersion = "events.k8s.io/v1",
            Kind = "Event",
            Metadata = new V1ObjectMeta
            {
                Name = $"{regarding.Metadata.Name}.{now.UtcTicks.ToString("x", CultureInfo.InvariantCulture)}{Random.Shared.Next(0x1000):x3}",
                NamespaceProperty = string.IsNullOrEmpty(regarding.Metadata.NamespaceProperty) ? "default" : regarding.Metadata.NamespaceProperty,
            },
            EventTime = now.UtcDateTime,
            Type = type,
            Reason = reason,
            Action = action,
            Note = note is { Length: > MaxNoteLength } ? note[..MaxNoteLength] : note,
            ReportingController = ReportingController,
            ReportingInstance = ReportingInstance,
            Regarding = reference,
            Related = related is null ? null : Reference(related),
        };
        if (!_queue.Writer.TryWrite(ev))
        {
            Drop("queue_full");
            return false;
        }
        return true;
    }

    /// <summary>Queues a <see cref="EventTypes.Normal"/> event.</summary>
    public bool Normal(IKubernetesObject<V1ObjectMeta> regarding, string reason, string action, string? note = null,
        IKubernetesObject<V1ObjectMeta>? related = null) => Record(regarding, EventTypes.Normal, reason, action, note, related);

    /// <summary>Queues a <see cref="EventTypes.Warning"/> event.</summary>
    public bool Warning(IKubernetesObject<V1ObjectMeta> regarding, string reason, string action, string? note = null,
        IKubernetesObject<V1ObjectMeta>? related = null) => Record(regarding, EventTypes.Warning, reason, action, note, related);

    private async Task WriteLoopAsync()
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(_stop.Token).ConfigureAwait(false))
            {
                while (_queue.Reader.TryRead(out var ev))
                {
                    await WriteAsync(ev, _stop.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private async Task WriteAsync(Eventsv1Event ev, CancellationToken cancellationToken)
    {
        var key = SeriesKey(ev);
        var now = ev.EventTime ?? _time.GetUtcNow().UtcDateTime;
        ExpireSeries(now);
        try
        {
            if (_series.TryGetValue(key, out var first))
            {
                var count = (first.Series?.Count ?? 1) + 1;
                first.Series = new Eventsv1EventSeries { Count = count, LastObservedTime = now };
                var patch = JsonSerializer.Serialize(new { series = new { count, lastObservedTime = now.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture) } });
                try
                {
                    await _client.EventsV1.PatchNamespacedEventAsync(new V1Patch(patch, V1Patch.PatchType.MergePatch), first.Metadata.Name,
                        first.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
                    CountWritten("series_update");
                    return;
                }
                catch (HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
                {
                    _series.Remove(key); // the Event expired or was deleted: start a new one
                }
            }
            await _client.EventsV1.CreateNamespacedEventAsync(ev, ev.Metadata.NamespaceProperty, cancellationToken: cancellationToken).ConfigureAwait(false);
            _series[key] = ev;
            CountWritten("create");
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            Drop("failed");
            Log.WriteFailed(_logger, ev.Reason, ev.Regarding.Kind, ev.Regarding.NamespaceProperty, ev.Regarding.Name, ex);
        }
    }

    private void ExpireSeries(DateTime now)
    {
        if (_series.Count == 0)
        {
            return;
        }
        List<string>? expired = null;
        foreach (var (key, ev) in _series)
        {
            var last = ev.Series?.LastObservedTime ?? ev.EventTime ?? now;
            if (now - last > _options.SeriesWindow)
            {
                (expired ??= []).Add(key);
            }
        }
        expired?.ForEach(k => _series.Remove(k));
    }

    private void CountWritten(string action)
    {
        Interlocked.Increment(ref _written);
        _metrics?.RecordEventWritten(ReportingController, action);
    }

    private void Drop(string reason)
    {
        Interlocked.Increment(ref _dropped);
        _metrics?.RecordEventDropped(ReportingController, reason);
    }

    private static string SeriesKey(Eventsv1Event ev) => string.Join('\u001f',
        ev.Type, ev.Action, ev.Reason, ev.ReportingController, ev.ReportingInstance, RefKey(ev.Regarding), RefKey(ev.Related));

    private static string RefKey(V1ObjectReference? r) =>
        r is null ? "" : string.Join('\u001e', r.ApiVersion, r.Kind, r.NamespaceProperty, r.Name, r.Uid, r.FieldPath);

    private static V1ObjectReference Reference(IKubernetesObject<V1ObjectMeta> obj) => new()
    {
        ApiVersion = obj.ApiVersion,
        Kind = obj.Kind,
        Name = obj.Metadata?.Name,
        NamespaceProperty = obj.Metadata?.NamespaceProperty,
        Uid = obj.Metadata?.Uid,
        ResourceVersion = obj.Metadata?.ResourceVersion,
    };

    /// <summary>Stops the writer after it has written what is queued (at most 5 s more).</summary>
    public async ValueTask DisposeAsync()
    {
        Task? writer;
        lock (_stop)
        {
            if (_stop.IsCancellationRequested)
            {
                return;
            }
            _queue.Writer.TryComplete();
            writer = _writer;
        }
        if (writer is not null)
        {
            try
            {
                await writer.WaitAsync(TimeSpan.FromSeconds(5), _time).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
            }
        }
        lock (_stop)
        {
            _stop.Cancel();
        }
        if (writer is not null)
        {
            await writer.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
        _stop.Dispose();
    }

    /// <summary>A token bucket; thread-safe.</summary>
    private sealed class TokenBucket(int tokens, DateTimeOffset at)
    {
        private readonly object _gate = new();
        private double _tokens = tokens;
        private DateTimeOffset _at = at;

        public bool TryTake(DateTimeOffset now, int burst, TimeSpan refill)
        {
            lock (_gate)
            {
                if (now > _at)
                {
                    _tokens = Math.Min(burst, _tokens + (now - _at) / refill);
                    _at = now;
                }
                if (_tokens < 1)
                {
                    return false;
                }
                _tokens--;
                return true;
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Could not write event {Reason} about {Kind} {Namespace}/{Name}; dropped.")]
        public static partial void WriteFailed(ILogger logger, string reason, string kind, string @namespace, string name, Exception error);
    }
}
