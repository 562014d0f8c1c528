using System.Text;

namespace KubeInformers.Hosting;

/// <summary>
/// Waits until a set of informers has synced, with a timeout, and explains a failure: the exception names every
/// informer that did not sync and its last error. Stateless and thread-safe.
/// </summary>
public static class InformerSync
{
    /// <summary>
    /// Waits until every informer in <paramref name="informers"/> has synced.
    /// </summary>
    /// <param name="informers">The informers (already started).</param>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="timeProvider">The clock of the timeout.</param>
    /// <param name="cancellationToken">Cancels the wait (then <see cref="OperationCanceledException"/> is thrown).</param>
    /// <exception cref="InformerSyncException">The timeout passed, or an informer stopped, before every informer synced.</exception>
    public static async Task WaitForSyncAsync(IReadOnlyCollection<ISharedInformer> informers, TimeSpan timeout,
        TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(informers);
        timeProvider ??= TimeProvider.System;
        if (informers.All(i => i.HasSynced))
        {
            return;
        }

        using var timeoutCts = timeout == Timeout.InfiniteTimeSpan
            ? new CancellationTokenSource()
            : new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutCts.Token, cancellationToken);

        var waits = informers.Select(i => WaitOneAsync(i, linked.Token)).ToArray();
        var all = Task.WhenAll(waits);
        try
        {
            await all.ConfigureAwait(false);
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

        async Task WaitOneAsync(ISharedInformer informer, CancellationToken token)
        {
            var synced = await informer.WaitForCacheSyncAsync(token).ConfigureAwait(false);
            if (!synced && !token.IsCancellationRequested)
            {
                // Stopped before it synced: no point waiting for the others until the timeout.
                await linked.CancelAsync().ConfigureAwait(false);
            }
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
