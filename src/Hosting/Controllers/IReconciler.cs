namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// Brings the world in line with the desired state of one object, identified by its key (usually the informer cache key
/// <c>namespace/name</c>). Read the object from a lister (it may be gone: then clean up). A key is never reconciled by two
/// workers at once; different keys are reconciled concurrently. Throwing requeues the key with rate limiting.
/// </summary>
/// <typeparam name="TKey">The key type.</typeparam>
public interface IReconciler<in TKey> where TKey : notnull
{
    /// <summary>Reconciles <paramref name="key"/>.</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancelled when this replica loses leadership or the host stops past its drain timeout: stop at once.</param>
    /// <returns>What to do with the key next.</returns>
    Task<ReconcileResult> ReconcileAsync(TKey key, CancellationToken cancellationToken);
}

/// <summary>An <see cref="IReconciler{TKey}"/> made of a delegate.</summary>
public sealed class DelegateReconciler<TKey> : IReconciler<TKey> where TKey : notnull
{
    private readonly Func<TKey, CancellationToken, Task<ReconcileResult>> _reconcile;

    /// <summary>Creates the reconciler.</summary>
    public DelegateReconciler(Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile) =>
        _reconcile = reconcile ?? throw new ArgumentNullException(nameof(reconcile));

    /// <inheritdoc/>
    public Task<ReconcileResult> ReconcileAsync(TKey key, CancellationToken cancellationToken) => _reconcile(key, cancellationToken);
}
