using System.Net.Sockets;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers;

/// <summary>Options of a <see cref="Reflector{T}"/>. Defaults follow client-go.</summary>
public sealed record ReflectorOptions
{
    /// <summary>Page size of the initial list (500). Null or 0 lists in one request.</summary>
    public int? PageSize { get; init; } = 500;
    /// <summary>Minimum server-side watch timeout; each watch picks a random timeout in [min, 2·min] (5 min).</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>First backoff delay after a failure (800 ms); it doubles, with jitter, up to <see cref="MaxBackoff"/>.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);
    /// <summary>Largest backoff delay (30 s).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>The backoff resets after this long without a failure (2 min).</summary>
    public TimeSpan BackoffReset { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>A watch that delivers nothing (not even a bookmark) for this long is presumed dead and restarted. Null disables the watchdog.</summary>
    public TimeSpan? WatchIdleTimeout { get; init; } = TimeSpan.FromMinutes(15);
    /// <summary>Use a streaming list (<c>sendInitialEvents</c>) instead of list + watch, falling back when the server does not support it.</summary>
    public bool UseStreamingList { get; init; }
    /// <summary>
    /// How long to wait for the server to answer a watch request (its status line and headers) before giving up and
    /// retrying with backoff (1 min). Null: no limit. The <see cref="WatchIdleTimeout"/> takes over once the watch is open.
    /// </summary>
    public TimeSpan? WatchStartTimeout { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>
    /// How long one list request (one page, body included) may take before it is cancelled and retried with backoff
    /// (100 s, like KubernetesClient's default). Measured on the reflector's <see cref="TimeProvider"/>, so it bounds any
    /// <see cref="IListWatch{T}"/> and a fake clock drives it. Null: no limit (<see cref="HttpListWatch{T}.ListTimeout"/> still applies).
    /// </summary>
    public TimeSpan? ListTimeout { get; init; } = TimeSpan.FromSeconds(100);
}

/// <summary>
/// Keeps a store in step with the API server: lists, then watches from the list's resourceVersion, relisting on 410 Expired
/// and backing off on failures, with client-go's semantics. One loop per reflector; the store is written only from it.
/// </summary>
/// <remarks>
/// <para>Lists: the first at resourceVersion "0" (the server's watch cache), later ones at the last resourceVersion seen,
/// and at "" (a consistent read) when that version is expired or too large. Lists are paginated (<see cref="ReflectorOptions.PageSize"/>)
/// except relists at an exact version, which the watch cache serves whole, unless the first list showed the cache is off
/// (it came back paginated). A continue token that expires mid-list gives one unpaginated list at the original version.
/// Each list request is bounded by <see cref="ReflectorOptions.ListTimeout"/> on the injected clock; one that takes
/// longer is cancelled and the list retried with backoff.</para>
/// <para>Watches: from the last resourceVersion, with bookmarks and a random server timeout in [min, 2·min]. A clean end
/// re-watches at once; 410 Expired relists; 429, 5xx, dropped or refused connections, an undecodable line and a silent
/// watch (<see cref="ReflectorOptions.WatchIdleTimeout"/>) back off and re-watch from the last good version without a relist.</para>
/// <para>Thread-safety: <see cref="RunAsync"/> may be called once; the properties may be read from any thread.
/// The store is called from one loop at a time (resyncs are serialized with it).</para>
/// </remarks>
public sealed class Reflector<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private const string InitialEventsEndAnnotation = "k8s.io/initial-events-end";

    private readonly IListWatch<T> _listWatch;
    private readonly IReflectorStore<T> _store;
    private readonly ReflectorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _storeLock = new();
    private ExponentialBackoff? _backoff;

    private volatile string? _lastSyncResourceVersion;
    private volatile Exception? _lastError;
    private long _lastActivityTicks;
    private int _running;

    // Owned by the run loop.
    private bool _lastSyncResourceVersionUnavailable;
    private bool _paginatedResult;
    private bool _streamingUnsupported;
    private string _nextListReason = "initial";   // why the next full list happens (metrics)
    private string _nextWatchReason = "initial";  // why the next watch starts (metrics)

    /// <summary>Creates a reflector.</summary>
    public Reflector(IListWatch<T> listWatch, IReflectorStore<T> store, ReflectorOptions? options = null,
        TimeProvider? timeProvider = null, ILogger? logger = null, string? name = null)
    {
        _listWatch = listWatch ?? throw new ArgumentNullException(nameof(listWatch));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _options = options ?? new ReflectorOptions();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        Name = name ?? (listWatch is HttpListWatch<T> http ? http.Resource.ToString() : typeof(T).Name);
    }

    /// <summary>A name for logs (the resource, usually).</summary>
    public string Name { get; }

    /// <summary>The resourceVersion of the last list, watch event or bookmark seen.</summary>
    public string? LastSyncResourceVersion => _lastSyncResourceVersion;

    /// <summary>The last list or watch error, or null after a success.</summary>
    public Exception? LastError => _lastError;

    /// <summary>When the last list, watch event or bookmark arrived.</summary>
    public DateTimeOffset? LastActivity
    {
        get
        {
            var ticks = Interlocked.Read(ref _lastActivityTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Called on every list or watch error, before the reflector backs off or relists. Must not throw.</summary>
    public Action<Exception>? WatchErrorHandler { get; set; }

    /// <summary>
    /// How often to ask <see cref="ShouldResync"/> whether to call <see cref="IReflectorStore{T}.Resync"/> (zero: never).
    /// Read when <see cref="RunAsync"/> starts and before each wait: a new positive value applies from the next wait, but
    /// a reflector started with zero never resyncs.
    /// </summary>
    public TimeSpan ResyncPeriod { get; set; }

    /// <summary>Decides, every <see cref="ResyncPeriod"/>, whether a resync is due (null: always).</summary>
    public Func<bool>? ShouldResync { get; set; }

    /// <summary>The source of randomness for jitter and watch timeouts, a number in [0, 1) (tests make it deterministic).</summary>
    internal Func<double> RandomSource { get; set; } = Random.Shared.NextDouble;

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled; never throws for server or network errors.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException($"Reflector {Name} is already running; RunAsync can be called once.");
        }

        _backoff = new ExponentialBackoff(_options.InitialBackoff, _options.MaxBackoff, _options.BackoffReset, _time, RandomSource);
        using var resyncStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var resyncLoop = ResyncLoopAsync(resyncStop.Token);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                TimeSpan? retryAfter = null;
                try
                {
                    await ListAndWatchAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    ReportError(ex);
                    ReflectorLog.OperationFailed(_logger, Name, "list", Describe(ex));
                    retryAfter = (ex as KubernetesApiException)?.RetryAfter;
                }

                if (!await BackoffAsync(retryAfter, cancellationToken).ConfigureAwait(false))
                {
                    break;
                }
            }
        }
        finally
        {
            resyncStop.Cancel();
            await resyncLoop.ConfigureAwait(false);
        }
    }

    private async Task ListAndWatchAsync(CancellationToken cancellationToken)
    {
        var streaming = _options.UseStreamingList && !_streamingUnsupported;
        if (!streaming)
        {
            await ListAsync(cancellationToken).ConfigureAwait(false);
        }

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var timeoutSeconds = WatchTimeoutSeconds();
            var request = streaming
                ? new WatchRequest
                {
                    ResourceVersion = _lastSyncResourceVersionUnavailable ? "" : _lastSyncResourceVersion ?? "",
                    ResourceVersionMatch = "NotOlderThan",
                    SendInitialEvents = true,
                    AllowWatchBookmarks = true,
                    TimeoutSeconds = timeoutSeconds,
                }
                : new WatchRequest
                {
                    ResourceVersion = _lastSyncResourceVersion,
                    AllowWatchBookmarks = true,
                    TimeoutSeconds = timeoutSeconds,
                };
            ReflectorLog.Watching(_logger, Name, request.ResourceVersion ?? "", timeoutSeconds);
            ReflectorInstruments.Add(ReflectorInstruments.WatchRestartCounter, Name, "reason", _nextWatchReason);

            IWatchStream<T> watch;
            try
            {
                watch = await OpenWatchAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
            {
                ReportError(ex);
                if (streaming && Classify(ex) != Disposition.Retry)
                {
                    streaming = false;
                    FallBackFromStreaming(ex, "the watch request failed: " + Describe(ex));
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                switch (Classify(ex))
                {
                    case Disposition.Retry:
                        _nextWatchReason = "request_failed";
                        ReflectorLog.OperationFailed(_logger, Name, "watch", Describe(ex));
                        if (!await BackoffAsync((ex as KubernetesApiException)?.RetryAfter, cancellationToken).ConfigureAwait(false))
                        {
                            return;
                        }

                        continue;
                    default:
                        _nextListReason = RelistReason(ex);
                        ReflectorLog.Relisting(_logger, Name, "the watch request failed: " + Describe(ex));
                        return;
                }
            }

            MarkSuccess();
            WatchOutcome outcome;
            await using (watch.ConfigureAwait(false))
            {
                outcome = await HandleWatchAsync(watch, streaming, cancellationToken).ConfigureAwait(false);
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (outcome.Error is { } error)
            {
                ReportError(error);
            }

            if (streaming)
            {
                if (outcome.Synced)
                {
                    // The initial events are in; from now on this is a plain watch from the last resourceVersion.
                    streaming = false;
                }
                else if (outcome.Kind is OutcomeKind.Closed or OutcomeKind.Relist)
                {
                    // A clean end without the bookmark (a server that ignores sendInitialEvents) or a non-retriable error.
                    streaming = false;
                    FallBackFromStreaming(outcome.Error, outcome.Error is null
                        ? "the watch ended before the initial-events-end bookmark"
                        : "the watch failed before the initial-events-end bookmark: " + Describe(outcome.Error));
                    await ListAsync(cancellationToken).ConfigureAwait(false);
                    continue;
                }

                // Otherwise (throttled, dropped, silent, undecodable): back off below and ask for a streaming list again.
            }

            switch (outcome.Kind)
            {
                case OutcomeKind.Closed:
                    _nextWatchReason = "closed";
                    ReflectorLog.WatchClosed(_logger, Name, outcome.Events, _lastSyncResourceVersion);
                    continue;
                case OutcomeKind.VeryShort:
                    _nextWatchReason = "very_short";
                    ReflectorLog.VeryShortWatch(_logger, Name, (long)outcome.Duration.TotalMilliseconds);
                    break;
                case OutcomeKind.Idle:
                    _nextWatchReason = "idle";
                    ReflectorLog.WatchIdle(_logger, Name, _options.WatchIdleTimeout?.TotalSeconds ?? 0, _lastSyncResourceVersion);
                    break;
                case OutcomeKind.Decode:
                    _nextWatchReason = "decode_error";
                    ReflectorLog.DecodeFailed(_logger, Name, _lastSyncResourceVersion, outcome.Error!.Message);
                    break;
                case OutcomeKind.Relist:
                    _nextListReason = RelistReason(outcome.Error!);
                    ReflectorLog.Relisting(_logger, Name, "the watch failed: " + Describe(outcome.Error!));
                    return;
                default:
                    _nextWatchReason = "error";
                    ReflectorLog.OperationFailed(_logger, Name, "watch", Describe(outcome.Error!));
                    break;
            }

            if (!await BackoffAsync((outcome.Error as KubernetesApiException)?.RetryAfter, cancellationToken).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Opens a watch, giving up after <see cref="ReflectorOptions.WatchStartTimeout"/> with a <see cref="TimeoutException"/>.</summary>
    private async Task<IWatchStream<T>> OpenWatchAsync(WatchRequest request, CancellationToken cancellationToken)
    {
        if (_options.WatchStartTimeout is not { } limit || limit <= TimeSpan.Zero)
        {
            return await _listWatch.WatchAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var timer = _time.CreateTimer(static s =>
        {
            try
            {
                ((CancellationTokenSource)s!).Cancel();
            }
            catch (ObjectDisposedException)
            {
            }
        }, startTimeout, limit, Timeout.InfiniteTimeSpan);
        try
        {
            return await _listWatch.WatchAsync(request, startTimeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && startTimeout.IsCancellationRequested)
        {
            throw new TimeoutException($"The watch request of {Name} got no answer within {limit.TotalSeconds:0.#} s.", ex);
        }
    }

    /// <summary>One list request, given up after <see cref="ReflectorOptions.ListTimeout"/> (on the injected clock) with a <see cref="TimeoutException"/>.</summary>
    private async Task<ListPage<T>> ListPageAsync(ListRequest request, CancellationToken cancellationToken)
    {
        if (_options.ListTimeout is not { } limit || limit <= TimeSpan.Zero || limit == Timeout.InfiniteTimeSpan)
        {
            return await _listWatch.ListAsync(request, cancellationToken).ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(limit, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            return await _listWatch.ListAsync(request, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested && timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"The list request of {Name} did not complete within {limit.TotalSeconds:0.#} s.", ex);
        }
    }

    /// <summary>Lists everything and replaces the store; throws on failure.</summary>
    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var reason = _nextListReason;
        _nextListReason = "retry"; // until the list succeeds, a further list is a retry
        var started = _time.GetTimestamp();
        try
        {
            await ListCoreAsync(cancellationToken).ConfigureAwait(false);
            RecordList(reason, "success", started);
            _nextListReason = "error";
            _nextWatchReason = "initial";
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            RecordList(reason, "failure", started);
            throw;
        }
    }

    private void RecordList(string reason, string outcome, long started)
    {
        if (ReflectorInstruments.ListCounter.Enabled)
        {
            ReflectorInstruments.ListCounter.Add(1, new("resource", Name), new("reason", reason), new("outcome", outcome));
        }

        if (ReflectorInstruments.ListDurationHistogram.Enabled)
        {
            ReflectorInstruments.ListDurationHistogram.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("resource", Name));
        }
    }

    private async Task ListCoreAsync(CancellationToken cancellationToken)
    {
        var resourceVersion = _lastSyncResourceVersionUnavailable ? "" : _lastSyncResourceVersion ?? "0";
        List<T> items;
        string listResourceVersion;
        try
        {
            (items, listResourceVersion) = await PagedListAsync(resourceVersion, cancellationToken).ConfigureAwait(false);
        }
        catch (KubernetesApiException ex) when (resourceVersion.Length > 0 && (ex.IsExpired || ex.IsResourceVersionTooLarge))
        {
            // The version we asked for is gone (or not there yet): retry at once with a consistent read.
            ReportError(ex);
            _lastSyncResourceVersionUnavailable = true;
            ReflectorLog.RelistConsistent(_logger, Name, resourceVersion, ex.IsExpired ? "expired" : "newer than the server has");
            (items, listResourceVersion) = await PagedListAsync("", cancellationToken).ConfigureAwait(false);
        }

        _lastSyncResourceVersionUnavailable = false;
        lock (_storeLock)
        {
            _store.Replace(items, listResourceVersion);
        }

        _lastSyncResourceVersion = listResourceVersion;
        MarkSuccess();
    }

    private async Task<(List<T> Items, string ResourceVersion)> PagedListAsync(string resourceVersion, CancellationToken cancellationToken)
    {
        int? limit = _options.PageSize is > 0 ? _options.PageSize : null;
        if (limit is not null && !_paginatedResult && resourceVersion is not ("" or "0"))
        {
            // A list at an exact version is served whole from the watch cache; paginating would bypass it.
            limit = null;
        }

        ReflectorLog.Listing(_logger, Name, resourceVersion, limit ?? 0);
        var page = await ListPageAsync(new ListRequest { ResourceVersion = resourceVersion, Limit = limit }, cancellationToken).ConfigureAwait(false);
        var items = new List<T>(page.Items.Count + (int)Math.Min(page.RemainingItemCount ?? 0, 1_000_000));
        items.AddRange(page.Items);
        var listResourceVersion = page.ResourceVersion;
        var pages = 1;
        if (resourceVersion == "0" && page.Continue is not null)
        {
            // The server paginated a list at "0": its watch cache is off, so exact-version relists must paginate too.
            _paginatedResult = true;
        }

        while (page.Continue is { } token)
        {
            try
            {
                page = await ListPageAsync(new ListRequest { Continue = token, Limit = limit }, cancellationToken).ConfigureAwait(false);
            }
            catch (KubernetesApiException ex) when (ex.IsExpired)
            {
                ReportError(ex);
                ReflectorLog.ContinueExpired(_logger, Name, pages + 1, resourceVersion);
                var full = await ListPageAsync(new ListRequest { ResourceVersion = resourceVersion }, cancellationToken).ConfigureAwait(false);
                items = [.. full.Items];
                listResourceVersion = full.ResourceVersion;
                pages = 1;
                break;
            }

            items.AddRange(page.Items);
            pages++;
        }

        ReflectorLog.Listed(_logger, Name, items.Count, listResourceVersion, pages);
        return (items, listResourceVersion);
    }

    private async Task<WatchOutcome> HandleWatchAsync(IWatchStream<T> watch, bool streaming, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var activity = new WatchActivity(started);
        using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watchdog = StartWatchdog(activity, watchStop);
        var initial = streaming ? new OrderedDictionary<string, T>(StringComparer.Ordinal) : null;
        var synced = false;
        var events = 0;
        try
        {
            await foreach (var watchEvent in watch.ReadEventsAsync(watchStop.Token).ConfigureAwait(false))
            {
                activity.Touch(_time.GetTimestamp());
                events++;
                if (ReflectorInstruments.WatchEventCounter.Enabled)
                {
                    ReflectorInstruments.Add(ReflectorInstruments.WatchEventCounter, Name, "type", watchEvent.Type switch
                    {
                        WatchEventType.Added => "added",
                        WatchEventType.Modified => "modified",
                        WatchEventType.Deleted => "deleted",
                        WatchEventType.Bookmark => "bookmark",
                        _ => "other",
                    });
                }
                var obj = watchEvent.Object;
                var resourceVersion = watchEvent.ResourceVersion;
                if (initial is not null)
                {
                    // Streaming list, initial phase: collect until the bookmark that ends it.
                    switch (watchEvent.Type)
                    {
                        case WatchEventType.Added:
                        case WatchEventType.Modified:
                            initial[CacheKeys.MetaNamespaceKey(obj)] = obj;
                            break;
                        case WatchEventType.Deleted:
                            initial.Remove(CacheKeys.MetaNamespaceKey(obj));
                            break;
                        case WatchEventType.Bookmark when watchEvent.IsInitialEventsEnd && !string.IsNullOrEmpty(resourceVersion):
                            lock (_storeLock)
                            {
                                _store.Replace([.. initial.Values], resourceVersion);
                            }

                            ReflectorLog.StreamingSynced(_logger, Name, initial.Count, resourceVersion);
                            initial = null;
                            synced = true;
                            _lastSyncResourceVersionUnavailable = false;
                            _lastSyncResourceVersion = resourceVersion;
                            break;
                    }

                    MarkSuccess();
                    continue;
                }

                switch (watchEvent.Type)
                {
                    case WatchEventType.Added:
                        lock (_storeLock)
                        {
                            _store.Add(obj);
                        }

                        break;
                    case WatchEventType.Modified:
                        lock (_storeLock)
                        {
                            _store.Update(obj);
                        }

                        break;
                    case WatchEventType.Deleted:
                        lock (_storeLock)
                        {
                            _store.Delete(obj);
                        }

                        break;
                    case WatchEventType.Bookmark:
                        break;
                    default:
                        throw new WatchDecodeException($"The watch of {Name} sent an event of type {watchEvent.Type}, which is not a change.");
                }

                if (!string.IsNullOrEmpty(resourceVersion))
                {
                    _lastSyncResourceVersion = resourceVersion;
                }

                MarkSuccess();
            }

            var duration = _time.GetElapsedTime(started);
            if (events == 0 && duration < TimeSpan.FromSeconds(1))
            {
                return new WatchOutcome(OutcomeKind.VeryShort, null, events, synced, duration);
            }

            return new WatchOutcome(OutcomeKind.Closed, null, events, synced, duration);
        }
        catch (Exception ex) when (activity.IdleFired && !cancellationToken.IsCancellationRequested)
        {
            var idle = new TimeoutException($"The watch of {Name} sent nothing for {_options.WatchIdleTimeout?.TotalSeconds:0.#} s.", ex);
            return new WatchOutcome(OutcomeKind.Idle, idle, events, synced, _time.GetElapsedTime(started));
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            var kind = ex switch
            {
                WatchDecodeException => OutcomeKind.Decode,
                _ => Classify(ex) == Disposition.Retry ? OutcomeKind.Retry : OutcomeKind.Relist,
            };
            return new WatchOutcome(kind, ex, events, synced, _time.GetElapsedTime(started));
        }
    }

    private ITimer? StartWatchdog(WatchActivity activity, CancellationTokenSource watchStop)
    {
        if (_options.WatchIdleTimeout is not { } idle || idle <= TimeSpan.Zero)
        {
            return null;
        }

        ITimer? timer = null;
        timer = _time.CreateTimer(_ =>
        {
            var silent = _time.GetElapsedTime(activity.LastTimestamp);
            if (silent >= idle)
            {
                activity.IdleFired = true;
                try
                {
                    watchStop.Cancel();
                }
                catch (ObjectDisposedException)
                {
                }
            }
            else
            {
                try
                {
                    timer?.Change(idle - silent, Timeout.InfiniteTimeSpan);
                }
                catch (ObjectDisposedException)
                {
                }
            }
        }, null, idle, Timeout.InfiniteTimeSpan);
        return timer;
    }

    private async Task ResyncLoopAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var period = ResyncPeriod;
                if (period <= TimeSpan.Zero)
                {
                    return;
                }

                await Task.Delay(period, _time, cancellationToken).ConfigureAwait(false);
                if (ShouldResync?.Invoke() ?? true)
                {
                    ReflectorLog.Resync(_logger, Name);
                    lock (_storeLock)
                    {
                        _store.Resync();
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            ReflectorLog.StoreFailed(_logger, Name, ex);
        }
    }

    private async Task<bool> BackoffAsync(TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        var delay = _backoff!.Next();
        if (retryAfter is { } serverDelay && serverDelay > delay)
        {
            delay = serverDelay > _options.MaxBackoff * 4 ? _options.MaxBackoff * 4 : serverDelay;
        }

        ReflectorLog.BackingOff(_logger, Name, (long)delay.TotalMilliseconds);
        try
        {
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private int WatchTimeoutSeconds()
    {
        var min = Math.Max(1, _options.MinWatchTimeout.TotalSeconds);
        return (int)(min * (1 + RandomSource()));
    }

    private void FallBackFromStreaming(Exception? error, string why)
    {
        _nextListReason = "streaming_fallback";
        if (error is KubernetesApiException { StatusCode: 400 or 403 or 404 or 405 or 415 or 422 or 501 })
        {
            // The server rejects the request itself: it does not support streaming lists. Do not ask again.
            _streamingUnsupported = true;
        }
        else if (error is KubernetesApiException api && (api.IsExpired || api.IsResourceVersionTooLarge))
        {
            _lastSyncResourceVersionUnavailable = true;
        }

        ReflectorLog.StreamingFallback(_logger, Name, why);
    }

    private static string RelistReason(Exception error) =>
        error is KubernetesApiException { IsExpired: true } or KubernetesApiException { IsResourceVersionTooLarge: true } ? "expired" : "error";

    private void ReportError(Exception error)
    {
        _lastError = error;
        ReflectorInstruments.Add(ReflectorInstruments.ErrorCounter, Name, "reason", ReflectorInstruments.ErrorReason(error));
        if (WatchErrorHandler is { } handler)
        {
            try
            {
                handler(error);
            }
            catch (Exception ex)
            {
                ReflectorLog.ErrorHandlerFailed(_logger, Name, ex);
            }
        }
    }

    private void MarkSuccess()
    {
        _lastError = null;
        Interlocked.Exchange(ref _lastActivityTicks, _time.GetUtcNow().UtcTicks);
    }

    /// <summary>What to do after a failed watch: back off and re-watch from the last version, or relist.</summary>
    private static Disposition Classify(Exception error) => error switch
    {
        KubernetesApiException api when api.IsExpired || api.IsResourceVersionTooLarge => Disposition.Relist,
        KubernetesApiException api when api.IsTooManyRequests || api.StatusCode >= 500 => Disposition.Retry,
        KubernetesApiException => Disposition.Relist,
        HttpRequestException or IOException or SocketException or TimeoutException or OperationCanceledException => Disposition.Retry,
        WatchDecodeException => Disposition.Retry,
        _ => Disposition.Relist,
    };

    private static bool IsCancellation(Exception error, CancellationToken cancellationToken) =>
        error is OperationCanceledException && cancellationToken.IsCancellationRequested;

    private static string Describe(Exception error) => error switch
    {
        KubernetesApiException api => $"{api.StatusCode} {api.Reason}: {api.Status.Message}",
        WatchDecodeException decode => decode.Message,
        _ => $"{error.GetType().Name}: {error.Message}",
    };

    private enum Disposition { Retry, Relist }

    private enum OutcomeKind { Closed, VeryShort, Idle, Decode, Retry, Relist }

    private readonly record struct WatchOutcome(OutcomeKind Kind, Exception? Error, int Events, bool Synced, TimeSpan Duration);

    /// <summary>When the watch last delivered something; read by the watchdog timer.</summary>
    private sealed class WatchActivity(long startTimestamp)
    {
        private long _lastTimestamp = startTimestamp;
        private volatile bool _idleFired;

        public long LastTimestamp => Interlocked.Read(ref _lastTimestamp);

        public bool IdleFired
        {
            get => _idleFired;
            set => _idleFired = value;
        }

        public void Touch(long timestamp) => Interlocked.Exchange(ref _lastTimestamp, timestamp);
    }
}
