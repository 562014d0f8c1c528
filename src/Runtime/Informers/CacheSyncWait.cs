using System.Text;

namespace KubeInformers;

/// <summary>
/// The wait behind <see cref="SharedInformerFactory.WaitForCacheSyncAsync(TimeSpan, CancellationToken)"/>: until every
/// informer of a set has synced, with a timeout on an injected clock, and an explanation when it gives up (an
/// <see cref="InformerSyncException"/> naming every informer that did not sync and its last error). Stateless, thread-safe.
/// </summary>
internal static class CacheSyncWait
{
    /// <summary>Waits until every informer in <paramref name="informers"/> (already started) has synced.</summary>
    /// <exception cref="InformerSyncException">The timeout passed, or an informer stopped, before every informer synced.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public static async Task WaitAsync(IReadOnlyCollection<ISharedInformer> informers, TimeSpan timeout, TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (informers.All(i => i.HasSynced))
        {
            return;
        }

        using var timeoutCts = timeout == Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource()
            : new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutCts.Token, cancellationToken);

        try
        {
            await Task.WhenAll(informers.Select(i => WaitOneAsync(i, linked))).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The timeout fired (or an informer stopped and cancelled the rest): explained below.
        }

        cancellationToken.ThrowIfCancellationRequested();
        var unsynced = informers.Where(i => !i.HasSynced)
            .Select(i => new UnsyncedInformer(InformerNames.Of(i), i.ObjectType, i.LastError, i.IsStopped))
            .ToList();
        if (unsynced.Count == 0)
        {
            return;
        }

        var reason = unsynced.Any(u => u.Stopped) && !timeoutCts.IsCancellationRequested
            ? "an informer stopped before it synced"
            : $"timed out after {timeout}";
        throw new InformerSyncException(FormatMessage(reason, unsynced, informers.Count), unsynced);
    }

    private static async Task WaitOneAsync(ISharedInformer informer, CancellationTokenSource linked)
    {
        var synced = await informer.WaitForCacheSyncAsync(linked.Token).ConfigureAwait(false);
        if (!synced && !linked.IsCancellationRequested)
        {
            // Stopped before it synced: no point waiting for the others until the timeout.
            await linked.CancelAsync().ConfigureAwait(false);
        }
    }

    internal static string FormatMessage(string reason, IReadOnlyList<UnsyncedInformer> unsynced, int total)
    {
        var text = new StringBuilder();
        text.Append("KubeInformers: ").Append(unsynced.Count).Append(" of ").Append(total)
            .Append(" informer(s) did not sync (").Append(reason).Append("):");
        foreach (var u in unsynced)
        {
            text.AppendLine().Append("  - ").Append(u.Name).Append(" (").Append(u.ObjectType.Name).Append(')');
            if (u.Stopped)
            {
                text.Append(" stopped;");
            }
            text.Append(" last error: ").Append(u.LastError is null ? "none (no list has completed yet)" : InformerNames.Describe(u.LastError));
        }
        return text.ToString();
    }
}
