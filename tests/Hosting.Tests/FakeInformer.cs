namespace KubeInformers.Hosting.Tests;

/// <summary>An <see cref="ISharedInformer"/> whose state a test sets directly.</summary>
internal sealed class FakeInformer : ISharedInformer
{
    private readonly TaskCompletionSource<bool> _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public FakeInformer(string plural = "deployments", string group = "apps", Type? objectType = null)
    {
        Resource = new ResourceDescriptor(group, "v1", plural, "Thing", true);
        ObjectType = objectType ?? typeof(k8s.Models.V1Deployment);
    }

    public ResourceDescriptor Resource { get; }
    public Type ObjectType { get; }
    public bool HasSynced => _synced.Task.IsCompletedSuccessfully && _synced.Task.Result;
    public bool IsStarted { get; set; } = true;
    public bool IsStopped { get; private set; }
    public string? LastSyncResourceVersion { get; set; }
    public Exception? LastError { get; set; }
    public DateTimeOffset? LastActivity { get; set; }
    public int CacheCount { get; set; }

    public void MarkSynced() => _synced.TrySetResult(true);

    public void Stop()
    {
        IsStopped = true;
        _synced.TrySetResult(false);
    }

    public Task RunAsync(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    public async Task<bool> WaitForCacheSyncAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _synced.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}

internal sealed class FakeInformerSource(params ISharedInformer[] informers) : IInformerSource
{
    public List<ISharedInformer> List { get; } = [.. informers];
    public IReadOnlyCollection<ISharedInformer> Informers => List.ToArray();
}
