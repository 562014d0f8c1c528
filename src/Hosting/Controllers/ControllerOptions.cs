namespace KubeInformers.Hosting.Controllers;

/// <summary>Options of a <see cref="Controller{TKey}"/>.</summary>
public sealed class ControllerOptions<TKey> where TKey : notnull
{
    /// <summary>How many keys are reconciled concurrently (1). One key is never reconciled by two workers at once.</summary>
    public int Workers { get; set; } = 1;

    /// <summary>The retry policy of failed reconciles (null: client-go's default, 5 ms doubling to 1000 s per key, 10/s overall).</summary>
    public IWorkQueueRateLimiter<TKey>? RateLimiter { get; set; }

    /// <summary>
    /// After this many failed attempts in a row a key is dropped (logged) until something enqueues it again. Null (the default)
    /// retries for ever, as client-go controllers do.
    /// </summary>
    public int? MaxRetries { get; set; }

    /// <summary>
    /// How long a graceful shutdown waits for reconciles in flight before cancelling them (null, the default: until the
    /// host's shutdown token fires).
    /// </summary>
    public TimeSpan? DrainTimeout
    {
        get => _drainTimeout;
        set
        {
            if (value is { } v)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(v, TimeSpan.Zero, nameof(DrainTimeout));
            }
            _drainTimeout = value;
        }
    }

    private TimeSpan? _drainTimeout;
}
