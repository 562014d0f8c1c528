namespace KubeInformers;

/// <summary>Decides how long an item waits before it is retried.</summary>
/// <remarks>Implementations must be thread-safe: a <see cref="WorkQueue{T}"/> calls them from every worker.</remarks>
public interface IWorkQueueRateLimiter<in T> where T : notnull
{
    /// <summary>The delay before <paramref name="item"/> is retried; records a failure.</summary>
    TimeSpan When(T item);
    /// <summary>Clears <paramref name="item"/>'s failure history.</summary>
    void Forget(T item);
    /// <summary>How many times <paramref name="item"/> has been retried since it was last forgotten.</summary>
    int NumRequeues(T item);
}
