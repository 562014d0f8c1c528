namespace KubeInformers.Hosting.Controllers;

/// <summary>What a reconcile asks for next: nothing (<see cref="Done"/>), another go after a delay
/// (<see cref="RequeueAfter"/>), or a rate-limited retry (<see cref="Requeue"/>).</summary>
public readonly record struct ReconcileResult
{
    private ReconcileResult(TimeSpan? after, bool rateLimited)
    {
        After = after;
        RateLimited = rateLimited;
    }

    /// <summary>Success: the key's retry history is forgotten; it runs again only when something enqueues it.</summary>
    public static ReconcileResult Done => default;

    /// <summary>Success, and reconcile again after <paramref name="delay"/> (polling external state, say). Retry history is forgotten.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative.</exception>
    public static ReconcileResult RequeueAfter(TimeSpan delay)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        return new(delay, false);
    }

    /// <summary>Not done yet: retry with the queue's rate limiter (exponential backoff per key), like a failure without an exception.</summary>
    public static ReconcileResult Requeue => new(null, true);

    /// <summary>The delay before the next reconcile, if one was asked for.</summary>
    public TimeSpan? After { get; }

    /// <summary>Whether a rate-limited retry was asked for.</summary>
    public bool RateLimited { get; }
}
