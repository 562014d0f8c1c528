namespace KubeInformers;

/// <summary>What every informer exposes regardless of its object type: for factories, health checks and metrics.</summary>
public interface ISharedInformer
{
    /// <summary>The resource this informer watches.</summary>
    ResourceDescriptor Resource { get; }
    /// <summary>The .NET type of the cached objects.</summary>
    Type ObjectType { get; }
    /// <summary>True once the first list has been fully delivered to the cache.</summary>
    bool HasSynced { get; }
    /// <summary>True once the informer has been started.</summary>
    bool IsStarted { get; }
    /// <summary>True once the informer has stopped; it cannot be restarted.</summary>
    bool IsStopped { get; }
    /// <summary>The resourceVersion of the last list, event or bookmark.</summary>
    string? LastSyncResourceVersion { get; }
    /// <summary>The last list or watch error, or null after the next success.</summary>
    Exception? LastError { get; }
    /// <summary>When the last list, event or bookmark arrived.</summary>
    DateTimeOffset? LastActivity { get; }
    /// <summary>The number of cached objects.</summary>
    int CacheCount { get; }
    /// <summary>Runs the informer until cancelled. Can be called once.</summary>
    Task RunAsync(CancellationToken cancellationToken);
    /// <summary>Waits until <see cref="HasSynced"/>; false if cancelled or stopped first.</summary>
    Task<bool> WaitForCacheSyncAsync(CancellationToken cancellationToken = default);
}
