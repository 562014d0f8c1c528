namespace KubeInformers;

/// <summary>Decides how long an item waits before it is retried.</summary>
public interface IWorkQueueRateLimiter<in T> where T : notnull
{
    /// <summary>The delay before <paramref name="item"/> is retried; records a failure.</summary>
    TimeSpan When(T item);
    /// <summary>Clears <paramref name="item"/>'s failure history.</summary>
    void Forget(T item);
    /// <summary>How many times <paramref name="item"/> has been retried since it was last forgotten.</summary>
    int NumRequeues(T item);
}

/// <summary>
/// A rate-limited, delaying work queue with client-go workqueue semantics: an item is queued at most once;
/// an item added while it is being processed is processed again after <see cref="Done"/>, never concurrently.
/// Time (delays) comes from a <see cref="TimeProvider"/>. Thread-safe.
/// </summary>
public sealed class WorkQueue<T> : IDisposable where T : notnull
{
    /// <summary>Creates a queue.</summary>
    /// <param name="rateLimiter">The retry policy for <see cref="AddRateLimited"/>; defaults to <see cref="WorkQueueRateLimiters.Default{T}"/>.</param>
    /// <param name="timeProvider">The clock for delays.</param>
    /// <param name="name">A name for metrics and logs.</param>
    public WorkQueue(IWorkQueueRateLimiter<T>? rateLimiter = null, TimeProvider? timeProvider = null, string? name = null) => throw new NotImplementedException();

    /// <summary>The queue's name.</summary>
    public string? Name => throw new NotImplementedException();
    /// <summary>How many items wait to be processed (not counting delayed ones or ones in processing).</summary>
    public int Count => throw new NotImplementedException();
    /// <summary>Whether <see cref="ShutDown"/> was called.</summary>
    public bool ShuttingDown => throw new NotImplementedException();

    /// <summary>Queues an item unless it is already queued.</summary>
    public void Add(T item) => throw new NotImplementedException();
    /// <summary>Queues an item after a delay; the earliest pending delay for an item wins.</summary>
    public void AddAfter(T item, TimeSpan delay) => throw new NotImplementedException();
    /// <summary>Queues an item after the rate limiter's delay for it.</summary>
    public void AddRateLimited(T item) => throw new NotImplementedException();
    /// <summary>Clears an item's retry history (call after it succeeds).</summary>
    public void Forget(T item) => throw new NotImplementedException();
    /// <summary>How many times the item was retried since it was last forgotten.</summary>
    public int NumRequeues(T item) => throw new NotImplementedException();

    /// <summary>Waits for an item and marks it as being processed. Returns <c>(default, true)</c> once shut down and empty.</summary>
    public ValueTask<(T Item, bool Shutdown)> GetAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();
    /// <summary>Marks an item as processed; if it was added meanwhile, it is queued again.</summary>
    public void Done(T item) => throw new NotImplementedException();

    /// <summary>Stops accepting items; <see cref="GetAsync"/> drains what is queued, then reports shutdown.</summary>
    public void ShutDown() => throw new NotImplementedException();
    /// <summary>Stops accepting items and waits until every item being processed is <see cref="Done"/>.</summary>
    public Task ShutDownWithDrainAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <inheritdoc/>
    public void Dispose() => throw new NotImplementedException();
}

/// <summary>Ready-made retry policies.</summary>
public static class WorkQueueRateLimiters
{
    /// <summary>client-go's default: the larger of a per-item exponential backoff (5 ms → 1000 s) and an overall token bucket (10/s, burst 100).</summary>
    public static IWorkQueueRateLimiter<T> Default<T>(TimeProvider? timeProvider = null) where T : notnull => throw new NotImplementedException();
    /// <summary>Per-item exponential backoff: <paramref name="baseDelay"/> × 2^failures, capped at <paramref name="maxDelay"/>.</summary>
    public static IWorkQueueRateLimiter<T> ItemExponential<T>(TimeSpan baseDelay, TimeSpan maxDelay) where T : notnull => throw new NotImplementedException();
    /// <summary>An overall token bucket shared by all items.</summary>
    public static IWorkQueueRateLimiter<T> TokenBucket<T>(double perSecond, int burst, TimeProvider? timeProvider = null) where T : notnull => throw new NotImplementedException();
    /// <summary><paramref name="fastDelay"/> for the first <paramref name="maxFastAttempts"/> retries, then <paramref name="slowDelay"/>.</summary>
    public static IWorkQueueRateLimiter<T> FastSlow<T>(TimeSpan fastDelay, TimeSpan slowDelay, int maxFastAttempts) where T : notnull => throw new NotImplementedException();
    /// <summary>The longest delay of several limiters.</summary>
    public static IWorkQueueRateLimiter<T> MaxOf<T>(params IWorkQueueRateLimiter<T>[] limiters) where T : notnull => throw new NotImplementedException();
}
