using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers;

/// <summary>
/// Keeps a store in step with the API server: lists, then watches from the list's resourceVersion, relisting on 410 Expired
/// and backing off on failures, with client-go's semantics. One loop per reflector; the store is written only from it.
/// </summary>
/// <remarks>
/// <para>The loop is a state machine (<see cref="ReflectorTransition"/>): it performs the current step (list, streaming
/// list, watch, back off), turns what happened into an outcome and asks the transition for the next state.</para>
/// <para>Lists: the first at resourceVersion "0" (the server's watch cache), later ones at the last resourceVersion seen,
/// and at "" (a consistent read) when that version is expired or too large. Lists are paginated (<see cref="ReflectorOptions.PageSize"/>)
/// except relists at an exact version, which the watch cache serves whole, unless the first list showed the cache is off
/// (it came back paginated). A continue token that expires mid-list gives one unpaginated list at the original version.
/// Each list request is bounded by <see cref="ReflectorOptions.ListTimeout"/> on the injected clock.</para>
/// <para>Recovery by failure class: 410 Expired relists at once; a watch that ends cleanly is re-watched at once (one
/// that ends within 1 s without an event backs off); 429, 5xx, refused or dropped connections, timeouts, an undecodable
/// line and a silent watch (<see cref="ReflectorOptions.WatchIdleTimeout"/>) wait and re-watch from the last good version
/// without a relist. The wait is the server's Retry-After (plus up to 10 % jitter) when it sent one, else the next step
/// of a jittered exponential backoff (<see cref="ReflectorOptions.InitialBackoff"/> doubling to <see cref="ReflectorOptions.MaxBackoff"/>)
/// that starts over once a watch delivers an event (and after <see cref="ReflectorOptions.BackoffReset"/> without a
/// backoff). A successful list alone does not reset it: a server that lists fine but expires every fresh watch must not
/// get a list a second.</para>
/// <para>Thread-safety: <see cref="RunAsync"/> may be called once; the properties may be read from any thread.
/// The store is called from one loop at a time: when resyncs are on (<see cref="ResyncPeriod"/> positive at start) the
/// resync timer and the loop take turns on a lock; otherwise the loop is the only caller and takes no lock.</para>
/// </remarks>
public sealed class Reflector<T> where T : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly IListWatch<T> _listWatch;
    private readonly IReflectorStore<T> _store;
    private readonly ReflectorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly object _storeLock = new();
    private ExponentialBackoff? _backoff;
    private bool _serializeStore;

    private volatile string? _lastSyncResourceVersion;
    private volatile Exception? _lastError;
    private long _lastActivityTicks;
    private int _running;
    private Action<Exception>? _watchErrorHandler;

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

    /// <summary>
    /// Sets the handler called on every list or watch error, before the reflector backs off or relists (the same
    /// method, with the same rule, as <see cref="SharedIndexInformer{T}.SetWatchErrorHandler"/>). It must not throw; an
    /// exception from it is logged and ignored.
    /// </summary>
    /// <exception cref="InvalidOperationException">The reflector is running: set the handler before <see cref="RunAsync"/>.</exception>
    public void SetWatchErrorHandler(Action<Exception> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        if (Volatile.Read(ref _running) != 0)
        {
            throw new InvalidOperationException($"Reflector {Name} is running; set the watch error handler before RunAsync.");
        }

        _watchErrorHandler = handler;
    }

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

    /// <summary>Called with every state the loop enters, in order, on the loop (tests observe the state machine with it).</summary>
    internal Action<ReflectorState>? StateObserver { get; set; }

    /// <summary>Lists and watches until <paramref name="cancellationToken"/> is cancelled; never throws for server or network errors.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _running, 1) != 0)
        {
            throw new InvalidOperationException($"Reflector {Name} is already running; RunAsync can be called once.");
        }

        _backoff = new ExponentialBackoff(_options.InitialBackoff, _options.MaxBackoff, _options.BackoffReset, _time, RandomSource);
        _serializeStore = ResyncPeriod > TimeSpan.Zero;
        using var resyncStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var resyncLoop = _serializeStore ? ResyncLoopAsync(resyncStop.Token) : Task.CompletedTask;
        try
        {
            var state = ReflectorState.Initial(_options.UseStreamingList);
            while (!cancellationToken.IsCancellationRequested)
            {
                StateObserver?.Invoke(state);
                ReflectorOutcome outcome;
                try
                {
                    outcome = state.Step switch
                    {
                        ReflectorStep.Listing => await ListAsync(state, cancellationToken).ConfigureAwait(false),
                        ReflectorStep.BackingOff => await PauseAsync(state, cancellationToken).ConfigureAwait(false),
                        _ => await WatchAsync(state, cancellationToken).ConfigureAwait(false),
                    };
                }
                catch (Exception) when (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    break;
                }

                if (outcome.Error is { } error)
                {
                    ReportError(error);
                }

                var next = ReflectorTransition.Next(state, outcome);
                LogTransition(state, outcome, next);
                state = next;
            }
        }
        finally
        {
            resyncStop.Cancel();
            await resyncLoop.ConfigureAwait(false);
        }
    }

    /// <summary>The <see cref="ReflectorStep.BackingOff"/> step: waits the server's Retry-After or the next backoff delay.</summary>
    private async Task<ReflectorOutcome> PauseAsync(ReflectorState state, CancellationToken cancellationToken)
    {
        var delay = state.Pause == ReflectorPause.RetryAfter
            ? ReflectorRequests.RetryAfterDelay(state.RetryAfter, _options.MaxBackoff * 4, RandomSource())
            : _backoff!.Next();
        ReflectorLog.BackingOff(_logger, Name, (long)delay.TotalMilliseconds);
        await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        return ReflectorOutcome.Waited();
    }

    /// <summary>The <see cref="ReflectorStep.Listing"/> step: lists everything and replaces the store.</summary>
    private async Task<ReflectorOutcome> ListAsync(ReflectorState state, CancellationToken cancellationToken)
    {
        var resourceVersion = ReflectorRequests.ListResourceVersion(state, _lastSyncResourceVersion);
        var started = _time.GetTimestamp();
        try
        {
            var (items, listResourceVersion, paginated) = await PagedListAsync(state, resourceVersion, cancellationToken).ConfigureAwait(false);
            if (_serializeStore)
            {
                lock (_storeLock)
                {
                    _store.Replace(items, listResourceVersion);
                }
            }
            else
            {
                _store.Replace(items, listResourceVersion);
            }

            _lastSyncResourceVersion = listResourceVersion;
            MarkSuccess();
            RecordList(state.ListReason, "success", started);
            return ReflectorOutcome.Listed(paginated);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            RecordList(state.ListReason, "failure", started);
            return ReflectorOutcome.ListFailed(ex, resourceVersion);
        }
    }

    private async Task<(List<T> Items, string ResourceVersion, bool Paginated)> PagedListAsync(ReflectorState state, string resourceVersion, CancellationToken cancellationToken)
    {
        var limit = ReflectorRequests.ListLimit(state, _options.PageSize, resourceVersion);
        ReflectorLog.Listing(_logger, Name, resourceVersion, limit ?? 0);
        var page = await ListPageAsync(new ListRequest { ResourceVersion = resourceVersion, Limit = limit }, cancellationToken).ConfigureAwait(false);
        var items = new List<T>(page.Items.Count + (int)Math.Min(page.RemainingItemCount ?? 0, 1_000_000));
        items.AddRange(page.Items);
        var listResourceVersion = page.ResourceVersion;
        var pages = 1;

        // The server paginated a list at "0": its watch cache is off, so exact-version relists must paginate too.
        var paginated = resourceVersion == "0" && page.Continue is not null;
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
        return (items, listResourceVersion, paginated);
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

    /// <summary>The <see cref="ReflectorStep.Watching"/> and <see cref="ReflectorStep.StreamingInitialEvents"/> steps: one watch, from request to end.</summary>
    private async Task<ReflectorOutcome> WatchAsync(ReflectorState state, CancellationToken cancellationToken)
    {
        var timeoutSeconds = ReflectorRequests.WatchTimeoutSeconds(_options.MinWatchTimeout, RandomSource());
        var request = ReflectorRequests.Watch(state, _lastSyncResourceVersion, timeoutSeconds);
        ReflectorLog.Watching(_logger, Name, request.ResourceVersion ?? "", timeoutSeconds);
        ReflectorInstruments.Add(ReflectorInstruments.WatchRestartCounter, Name, "reason", state.WatchReason.ToTag());

        IWatchStream<T> watch;
        try
        {
            watch = await OpenWatchAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            return ReflectorOutcome.WatchStartFailed(ex);
        }

        MarkSuccess();
        await using (watch.ConfigureAwait(false))
        {
            return await ReadWatchAsync(watch, state.Step == ReflectorStep.StreamingInitialEvents, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Reads a watch to its end: events to the store (a streaming list collects them until its bookmark), the resourceVersion forward.</summary>
    private async Task<ReflectorOutcome> ReadWatchAsync(IWatchStream<T> watch, bool streaming, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        using var watchStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watchdog = new ReflectorWatchdog(_time, _options.WatchIdleTimeout, watchStop);
        var initial = streaming ? new OrderedDictionary<string, T>(StringComparer.Ordinal) : null;
        var synced = false;
        var events = 0;
        try
        {
            await foreach (var watchEvent in watch.ReadEventsAsync(watchStop.Token).ConfigureAwait(false))
            {
                watchdog.Touch();
                if (++events == 1)
                {
                    // The watch works (list, watch and server): the next failure starts the backoff over.
                    _backoff!.Reset();
                }

                CountEvent(watchEvent.Type);
                var resourceVersion = watchEvent.ResourceVersion;
                if (initial is not null)
                {
                    if (CollectInitialEvent(initial, watchEvent))
                    {
                        initial = null;
                        synced = true;
                    }
                }
                else
                {
                    Apply(watchEvent);
                    if (!string.IsNullOrEmpty(resourceVersion))
                    {
                        _lastSyncResourceVersion = resourceVersion;
                    }
                }

                MarkSuccess();
            }

            return ReflectorOutcome.WatchClosed(events, _time.GetElapsedTime(started), synced);
        }
        catch (Exception ex) when (watchdog.Fired && !cancellationToken.IsCancellationRequested)
        {
            var idle = new TimeoutException($"The watch of {Name} sent nothing for {_options.WatchIdleTimeout?.TotalSeconds:0.#} s.", ex);
            return ReflectorOutcome.WatchFailed(idle, events, _time.GetElapsedTime(started), synced, ReflectorFailure.Idle);
        }
        catch (Exception ex) when (!IsCancellation(ex, cancellationToken))
        {
            return ReflectorOutcome.WatchFailed(ex, events, _time.GetElapsedTime(started), synced);
        }
    }

    /// <summary>A streaming list's initial phase: collects the event; at the bookmark that ends it replaces the store and returns true.</summary>
    private bool CollectInitialEvent(OrderedDictionary<string, T> initial, in WatchEvent<T> watchEvent)
    {
        switch (watchEvent.Type)
        {
            case WatchEventType.Added:
            case WatchEventType.Modified:
                initial[CacheKeys.MetaNamespaceKey(watchEvent.Object)] = watchEvent.Object;
                return false;
            case WatchEventType.Deleted:
                initial.Remove(CacheKeys.MetaNamespaceKey(watchEvent.Object));
                return false;
            case WatchEventType.Bookmark when watchEvent.IsInitialEventsEnd && watchEvent.ResourceVersion is { Length: > 0 } resourceVersion:
                if (_serializeStore)
                {
                    lock (_storeLock)
                    {
                        _store.Replace([.. initial.Values], resourceVersion);
                    }
                }
                else
                {
                    _store.Replace([.. initial.Values], resourceVersion);
                }

                ReflectorLog.StreamingSynced(_logger, Name, initial.Count, resourceVersion);
                _lastSyncResourceVersion = resourceVersion;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Writes one watch event to the store (bookmarks touch nothing); under the store lock only when resyncs run beside the loop.</summary>
    private void Apply(in WatchEvent<T> watchEvent)
    {
        if (watchEvent.Type == WatchEventType.Bookmark)
        {
            return;
        }

        if (_serializeStore)
        {
            lock (_storeLock)
            {
                ApplyChange(watchEvent);
            }
        }
        else
        {
            ApplyChange(watchEvent);
        }
    }

    private void ApplyChange(in WatchEvent<T> watchEvent)
    {
        switch (watchEvent.Type)
        {
            case WatchEventType.Added:
                _store.Add(watchEvent.Object);
                break;
            case WatchEventType.Modified:
                _store.Update(watchEvent.Object);
                break;
            case WatchEventType.Deleted:
                _store.Delete(watchEvent.Object);
                break;
            default:
                throw new KubernetesDecodeException($"The watch of {Name} sent an event of type {watchEvent.Type}, which is not a change.");
        }
    }

    private void CountEvent(WatchEventType type)
    {
        if (ReflectorInstruments.WatchEventCounter.Enabled)
        {
            ReflectorInstruments.Add(ReflectorInstruments.WatchEventCounter, Name, "type", type switch
            {
                WatchEventType.Added => "added",
                WatchEventType.Modified => "modified",
                WatchEventType.Deleted => "deleted",
                WatchEventType.Bookmark => "bookmark",
                _ => "other",
            });
        }
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

    /// <summary>Logs why the reflector moves from <paramref name="state"/> to <paramref name="next"/>.</summary>
    private void LogTransition(ReflectorState state, ReflectorOutcome outcome, ReflectorState next)
    {
        var error = outcome.Error;
        switch (outcome.Kind)
        {
            case ReflectorOutcomeKind.ListFailed when next.Step == ReflectorStep.Listing:
                ReflectorLog.RelistConsistent(_logger, Name, outcome.ResourceVersion ?? "",
                    outcome.Failure == ReflectorFailure.Expired ? "expired" : "newer than the server has");
                return;
            case ReflectorOutcomeKind.ListFailed:
                ReflectorLog.OperationFailed(_logger, Name, "list", Describe(error!));
                return;
            case ReflectorOutcomeKind.WatchStartFailed or ReflectorOutcomeKind.WatchEnded:
                break;
            default:
                return;
        }

        var what = outcome.Kind == ReflectorOutcomeKind.WatchStartFailed ? "the watch request failed" : "the watch failed";
        if (state.Step == ReflectorStep.StreamingInitialEvents && !outcome.Synced && next.ListReason == ReflectorListReason.StreamingFallback && next.Step == ReflectorStep.Listing)
        {
            ReflectorLog.StreamingFallback(_logger, Name, error is null
                ? "the watch ended before the initial-events-end bookmark"
                : (outcome.Kind == ReflectorOutcomeKind.WatchStartFailed ? what : "the watch failed before the initial-events-end bookmark") + ": " + Describe(error));
            return;
        }

        var resume = next.Step == ReflectorStep.BackingOff ? next.Resume : next.Step;
        if (error is not null && resume != ReflectorStep.Watching && !(state.Step == ReflectorStep.StreamingInitialEvents && !outcome.Synced))
        {
            ReflectorLog.Relisting(_logger, Name, what + ": " + Describe(error));
            return;
        }

        switch (outcome.Failure)
        {
            case ReflectorFailure.None when next.Step == ReflectorStep.Watching:
                ReflectorLog.WatchClosed(_logger, Name, outcome.Events, _lastSyncResourceVersion);
                break;
            case ReflectorFailure.None:
                ReflectorLog.VeryShortWatch(_logger, Name, (long)outcome.Duration.TotalMilliseconds);
                break;
            case ReflectorFailure.Idle:
                ReflectorLog.WatchIdle(_logger, Name, _options.WatchIdleTimeout?.TotalSeconds ?? 0, _lastSyncResourceVersion);
                break;
            case ReflectorFailure.Decode:
                ReflectorLog.DecodeFailed(_logger, Name, _lastSyncResourceVersion, error!.Message);
                break;
            default:
                ReflectorLog.OperationFailed(_logger, Name, "watch", Describe(error!));
                break;
        }
    }

    private void RecordList(ReflectorListReason reason, string outcome, long started)
    {
        if (ReflectorInstruments.ListCounter.Enabled)
        {
            ReflectorInstruments.ListCounter.Add(1, new("resource", Name), new("reason", reason.ToTag()), new("outcome", outcome));
        }

        if (ReflectorInstruments.ListDurationHistogram.Enabled)
        {
            ReflectorInstruments.ListDurationHistogram.Record(_time.GetElapsedTime(started).TotalSeconds, new KeyValuePair<string, object?>("resource", Name));
        }
    }

    private void ReportError(Exception error)
    {
        _lastError = error;
        ReflectorInstruments.Add(ReflectorInstruments.ErrorCounter, Name, "reason", ReflectorInstruments.ErrorReason(error));
        if (_watchErrorHandler is { } handler)
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

    private static bool IsCancellation(Exception error, CancellationToken cancellationToken) =>
        error is OperationCanceledException && cancellationToken.IsCancellationRequested;

    private static string Describe(Exception error) => error switch
    {
        KubernetesApiException api => $"{(int)api.StatusCode} {api.Reason}: {api.Status.Message}",
        KubernetesDecodeException decode => decode.Message,
        _ => $"{error.GetType().Name}: {error.Message}",
    };
}
