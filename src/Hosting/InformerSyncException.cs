namespace KubeInformers.Hosting;

/// <summary>
/// Startup gave up waiting for informers to sync: the timeout passed, or an informer stopped before syncing.
/// The message names each informer that did not sync and the last list/watch error it saw (for example
/// <c>403 Forbidden</c> when RBAC does not allow the list).
/// </summary>
public sealed class InformerSyncException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InformerSyncException(string message, IReadOnlyList<UnsyncedInformer> unsynced, Exception? innerException = null)
        : base(message, innerException)
    {
        Unsynced = unsynced;
    }

    /// <summary>The informers that had not synced, with their last error.</summary>
    public IReadOnlyList<UnsyncedInformer> Unsynced { get; }
}

/// <summary>An informer that had not synced when startup gave up.</summary>
/// <param name="Name">The informer's name (<see cref="InformerNames.Of"/>).</param>
/// <param name="ObjectType">The .NET type of its objects.</param>
/// <param name="LastError">The last list or watch error it reported, or null if it saw none.</param>
/// <param name="Stopped">True when the informer had stopped.</param>
public sealed record UnsyncedInformer(string Name, Type ObjectType, Exception? LastError, bool Stopped);
