namespace KubeInformers;

/// <summary>
/// Waiting for informers to sync gave up: the timeout passed, or an informer stopped before it synced. Thrown by
/// <see cref="SharedInformerFactory.WaitForCacheSyncAsync(TimeSpan, CancellationToken)"/> (and so by the hosted service of
/// KubeInformers.Hosting at startup). The message names each informer that did not sync and the last list/watch error it
/// saw (for example <c>403 Forbidden</c> when RBAC does not allow the list).
/// </summary>
public sealed class InformerSyncException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InformerSyncException(string message, IReadOnlyList<UnsyncedInformer> unsynced, Exception? innerException = null)
        : base(message, innerException)
    {
        Unsynced = unsynced ?? throw new ArgumentNullException(nameof(unsynced));
    }

    /// <summary>The informers that had not synced, with their last error.</summary>
    public IReadOnlyList<UnsyncedInformer> Unsynced { get; }
}
