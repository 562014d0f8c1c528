namespace KubeInformers.Hosting;

/// <summary>
/// The host's one wait for sync: completes once the KubeInformers hosted service has started the factory and every
/// informer has synced (through <see cref="SharedInformerFactory.WaitForCacheSyncAsync(TimeSpan, CancellationToken)"/>).
/// Controllers wait on it before running workers; inject it into any service that must not read the caches earlier
/// (one that may start before the hosted service, or with <c>HostOptions.ServicesStartConcurrently</c>).
/// Thread-safe; completes at most once, and never if startup failed.
/// </summary>
public sealed class CacheSyncSignal
{
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once every informer has synced.</summary>
    public bool IsSynced => _synced.Task.IsCompletedSuccessfully;

    /// <summary>Waits until every informer has synced.</summary>
    /// <param name="cancellationToken">Stops waiting (then <see cref="OperationCanceledException"/> is thrown).</param>
    public Task WaitAsync(CancellationToken cancellationToken = default) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>Marks the caches as synced. Only the hosted service may: releasing controllers early would let them read empty caches.</summary>
    internal void SetSynced() => _synced.TrySetResult();
}
