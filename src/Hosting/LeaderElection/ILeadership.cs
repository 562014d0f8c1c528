namespace KubeInformers.Hosting.LeaderElection;

/// <summary>
/// Whether this replica may reconcile now. Controllers wait for a term with <see cref="WaitForLeadershipAsync"/> and run
/// workers until the term's token is cancelled (leadership lost). Thread-safe.
/// </summary>
public interface ILeadership
{
    /// <summary>This replica's identity.</summary>
    string Identity { get; }

    /// <summary>Whether this replica leads now.</summary>
    bool IsLeader { get; }

    /// <summary>The identity of the current leader as last observed, or null.</summary>
    string? CurrentLeader { get; }

    /// <summary>
    /// Waits until this replica leads, then returns a token that is cancelled the moment leadership is lost.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken);
}

/// <summary>No election: this replica always leads.</summary>
public sealed class AlwaysLeader : ILeadership
{
    /// <inheritdoc/>
    public string Identity { get; } = Environment.MachineName;

    /// <inheritdoc/>
    public bool IsLeader => true;

    /// <inheritdoc/>
    public string? CurrentLeader => Identity;

    /// <inheritdoc/>
    public Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken) =>
        cancellationToken.IsCancellationRequested ? Task.FromCanceled<CancellationToken>(cancellationToken) : Task.FromResult(CancellationToken.None);
}
