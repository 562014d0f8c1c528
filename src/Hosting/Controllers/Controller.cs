using System.Collections.Concurrent;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// A reconcile loop: keys go into a runtime <see cref="WorkQueue{T}"/>; <see cref="ControllerOptions{TKey}.Workers"/>
/// workers take them and call the <see cref="IReconciler{TKey}"/>. Guarantees, from the queue: a key is queued at most once,
/// and a key is never reconciled by two workers at once (a key enqueued while it is being reconciled runs again after).
/// A failure (exception or <see cref="ReconcileResult.Requeue"/>) retries the key with the rate limiter; success forgets
/// its history; <see cref="ReconcileResult.RequeueAfter"/> schedules another go.
/// <para>
/// <see cref="RunAsync"/> runs the workers for one term (for example while this replica is the leader): cancelling its
/// token cancels the reconciles in flight at once and keeps their keys queued for the next term.
/// <see cref="ShutDownAsync"/> is the graceful end: no new keys are taken, reconciles in flight finish (drain), and only
/// when its token fires (or <see cref="ControllerOptions{TKey}.DrainTimeout"/> passes) are they cancelled. A reconcile that
/// throws is logged, counted (<c>kubeinformers.reconcile.errors</c>) and retried with backoff. Thread-safe; one
/// <see cref="RunAsync"/> at a time.
/// </para>
/// </summary>
/// <typeparam name="TKey">The key type (usually the cache key <c>namespace/name</c>).</typeparam>
public sealed partial class Controller<TKey> : IDisposable where TKey : notnull
{
    private readonly IReconciler<TKey> _reconciler;
    private readonly IWorkQueueRateLimiter<TKey> _rateLimiter;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentQueue<IEventHandlerRegistration> _registrations = new();
    private readonly KubeInformersMetrics? _metrics;
    private readonly ConcurrentDictionary<TKey, DateTimeOffset> _readyAt = new();
    private readonly CancellationTokenSource _stopTaking = new();
    private readonly CancellationTokenSource _abortDrain = new();
    private int _running;
    private Task _currentRun = Task.CompletedTask;

    /// <summary>Creates a controller and its queue.</summary>
    /// <param name="name">The controller's name (logs, metrics, queue name).</param>
    /// <param name="reconciler">Reconciles one key.</param>
    /// <param name="options">Workers, rate limiter, retries.</param>
    /// <param name="logger">Logs failures.</param>
    /// <param name="timeProvider">The clock of delays and durations.</param>
    /// <param name="metrics">Where to record queue and reconcile metrics, or null.</param>
    public Controller(string name, IReconciler<TKey> reconciler, ControllerOptions<TKey>? options = null, ILogger? logger = null,
        TimeProvider? timeProvider = null, KubeInformersMetrics? metrics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _reconciler = reconciler ?? throw new ArgumentNullException(nameof(reconciler));
        Options = options ?? new ControllerOptions<TKey>();
        ArgumentOutOfRangeException.ThrowIfLessThan(Options.Workers, 1, "options.Workers");
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = metrics;
        _rateLimiter = Options.RateLimiter ?? WorkQueueRateLimiters.Default<TKey>(_timeProvider);
        Queue = new WorkQueue<TKey>(_rateLimiter, _timeProvider, name);
        metrics?.TrackQueue(name, () => Queue.Count);
    }

    /// <summary>The controller's name.</summary>
    public string Name { get; }

    /// <summary>The options.</summary>
    public ControllerOptions<TKey> Options { get; }

    /// <summary>The queue (enqueue through <see cref="Enqueue"/> to get queue-latency metrics).</summary>
    public WorkQueue<TKey> Queue { get; }

    /// <summary>Whether workers are running now.</summary>
    public bool IsRunning => Volatile.Read(ref _running) == 1;

    /// <summary>
    /// Records a handler registration that feeds this controller: it counts for <see cref="HandlersSynced"/> and is reported
    /// as <c>kubeinformers.handler.pending</c> (when the controller has metrics).
    /// </summary>
    public void TrackHandler(string informer, IEventHandlerRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        _registrations.Enqueue(registration);
        _metrics?.TrackHandler(informer, Name, registration);
    }

    /// <summary>
    /// True once every handler registration feeding this controller has synced: its informer synced and the handler
    /// received every object of the initial list, so every key of the initial lists has been queued.
    /// </summary>
    public bool HandlersSynced => _registrations.All(r => r.HasSynced);

    /// <summary>Queues <paramref name="key"/> for reconciling (no-op if already queued).</summary>
    public void Enqueue(TKey key)
    {
        _readyAt.TryAdd(key, _timeProvider.GetUtcNow());
        Queue.Add(key);
        _metrics?.RecordQueueAdd(Name, "add");
    }

    /// <summary>Queues <paramref name="key"/> after <paramref name="delay"/> (the earliest pending delay wins).</summary>
    public void EnqueueAfter(TKey key, TimeSpan delay)
    {
        Queue.AddAfter(key, delay);
        _metrics?.RecordQueueAdd(Name, "after");
    }

    /// <summary>
    /// Runs the workers until <paramref name="cancellationToken"/> is cancelled (then reconciles in flight are cancelled at
    /// once and their keys stay queued) or <see cref="ShutDownAsync"/> is called (then they finish first).
    /// Returns when every worker has stopped.
    /// </summary>
    /// <exception cref="InvalidOperationException">Already running.</exception>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _running, 1, 0) != 0)
        {
            throw new InvalidOperationException($"Controller '{Name}' is already running.");
        }
        var run = RunCoreAsync(cancellationToken);
        _currentRun = run;
        return run;
    }

    private async Task RunCoreAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _abortDrain.Token);
            using var stopTaking = CancellationTokenSource.CreateLinkedTokenSource(abort.Token, _stopTaking.Token);
            Log.Started(_logger, Name, Options.Workers);
            var workers = new Task[Options.Workers];
            for (var i = 0; i < workers.Length; i++)
            {
                workers[i] = Task.Run(() => WorkerAsync(stopTaking.Token, abort.Token), CancellationToken.None);
            }
            await Task.WhenAll(workers).ConfigureAwait(false);
            Log.Stopped(_logger, Name);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task WorkerAsync(CancellationToken stopTaking, CancellationToken abort)
    {
        while (!IsStopping(stopTaking, abort))
        {
            TKey key;
            try
            {
                var (item, shutdown) = await Queue.GetAsync(stopTaking).ConfigureAwait(false);
                if (shutdown)
                {
                    return;
                }
                key = item;
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Cancellation callbacks of linked tokens run one after another, so a key can be handed out just as the term
            // ends or shutdown begins: put it back untouched instead of reconciling it.
            if (IsStopping(stopTaking, abort))
            {
                Queue.Done(key);
                Queue.Add(key);
                return;
            }
            await ProcessAsync(key, abort).ConfigureAwait(false);
        }
    }

    private bool IsStopping(CancellationToken stopTaking, CancellationToken abort) =>
        stopTaking.IsCancellationRequested || abort.IsCancellationRequested || _stopTaking.IsCancellationRequested;

    private async Task ProcessAsync(TKey key, CancellationToken abort)
    {
        var now = _timeProvider.GetUtcNow();
        if (_readyAt.TryRemove(key, out var readyAt) && _metrics is not null)
        {
            _metrics.RecordQueueLatency(Name, now > readyAt ? now - readyAt : TimeSpan.Zero);
        }

        var started = _timeProvider.GetTimestamp();
        string outcome;
        var keepForNextTerm = false;
        try
        {
            var result = await _reconciler.ReconcileAsync(key, abort).ConfigureAwait(false);
            if (result.RateLimited)
            {
                outcome = "requeue";
                Retry(key, null);
            }
            else if (result.After is { } after)
            {
                outcome = "requeue_after";
                Queue.Forget(key);
                Queue.AddAfter(key, after);
                _readyAt.TryAdd(key, _timeProvider.GetUtcNow() + after);
                _metrics?.RecordQueueAdd(Name, "after");
            }
            else
            {
                outcome = "success";
                Queue.Forget(key);
            }
        }
        catch (OperationCanceledException) when (abort.IsCancellationRequested)
        {
            outcome = "canceled";
            keepForNextTerm = true;
        }
        catch (Exception ex)
        {
            outcome = "error";
            _metrics?.RecordReconcileError(Name, ex);
            Retry(key, ex);
        }
        finally
        {
            Queue.Done(key);
        }

        if (keepForNextTerm)
        {
            Queue.Add(key);
        }
        _metrics?.RecordReconcile(Name, outcome, _timeProvider.GetElapsedTime(started));
    }

    private void Retry(TKey key, Exception? error)
    {
        var attempts = _rateLimiter.NumRequeues(key);
        if (Options.MaxRetries is { } max && attempts >= max)
        {
            Log.Dropped(_logger, Name, key, attempts, error);
            Queue.Forget(key);
            return;
        }
        var delay = _rateLimiter.When(key);
        if (error is not null)
        {
            Log.ReconcileFailed(_logger, Name, key, attempts + 1, delay, error);
        }
        Queue.AddAfter(key, delay);
        _readyAt.TryAdd(key, _timeProvider.GetUtcNow() + delay);
        _metrics?.RecordRetry(Name);
        _metrics?.RecordQueueAdd(Name, "rate_limited");
    }

    /// <summary>
    /// Graceful stop: workers take no new keys; reconciles in flight finish, unless <paramref name="cancellationToken"/> fires
    /// or <see cref="ControllerOptions{TKey}.DrainTimeout"/> passes first (then they are cancelled). The queue is shut down
    /// afterwards. Idempotent.
    /// </summary>
    public async Task ShutDownAsync(CancellationToken cancellationToken = default)
    {
        _stopTaking.Cancel(); // synchronously, so no worker takes a new key once this returns
        using var bound = Options.DrainTimeout is { } drain ? new CancellationTokenSource(drain, _timeProvider) : null;
        using (cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abortDrain))
        using (bound?.Token.Register(static s => ((CancellationTokenSource)s!).Cancel(), _abortDrain))
        {
            try
            {
                await _currentRun.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        Queue.ShutDown();
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _stopTaking.Cancel();
        _abortDrain.Cancel();
        Queue.Dispose();
        _stopTaking.Dispose();
        _abortDrain.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Controller {Controller} started {Workers} worker(s).")]
        public static partial void Started(ILogger logger, string controller, int workers);

        [LoggerMessage(2, LogLevel.Information, "Controller {Controller} stopped its workers.")]
        public static partial void Stopped(ILogger logger, string controller);

        [LoggerMessage(3, LogLevel.Warning, "Controller {Controller}: reconcile of {Key} failed (attempt {Attempt}); retrying in {Delay}.")]
        public static partial void ReconcileFailed(ILogger logger, string controller, object key, int attempt, TimeSpan delay, Exception error);

        [LoggerMessage(4, LogLevel.Error, "Controller {Controller}: dropping {Key} after {Attempts} failed attempts.")]
        public static partial void Dropped(ILogger logger, string controller, object key, int attempts, Exception? error);
    }
}
