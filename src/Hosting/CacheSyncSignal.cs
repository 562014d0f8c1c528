namespace KubeInformers.Hosting;

/// <summary>
/// Completes once the hosted service has started the informers and every one of them has synced; controllers wait on it
/// before running workers. Thread-safe; completes at most once.
/// </summary>
public sealed class CacheSyncSignal
{
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>True once every informer has synced.</summary>
    public bool IsSynced => _synced.Task.IsCompletedSuccessfully;

    /// <summary>Waits until every informer has synced.</summary>
    public Task WaitAsync(CancellationToken cancellationToken = default) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>Marks the caches as synced. Only the hosted service may: releasing controllers early would let them read empty caches.</summary>
    internal void SetSynced() => _synced.TrySetResult();
}
