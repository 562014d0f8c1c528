using k8s;
using k8s.Models;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// Reconciles one primary object, handed over from the informer cache by <see cref="ControllerBuilder{TPrimary}"/>: the
/// context carries the cached object (shared: copy it before changing it) or says it is gone, and lists the children it
/// controls. The guarantees of <see cref="Controller{TKey}"/> hold: one key is never reconciled by two workers at once;
/// throwing requeues the key with backoff (logged and counted); the returned <see cref="ReconcileResult"/> says what next.
/// </summary>
/// <typeparam name="TPrimary">The primary object type (the one <c>For</c> names).</typeparam>
public interface IObjectReconciler<TPrimary> where TPrimary : class, IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Reconciles the object of <paramref name="context"/>.</summary>
    /// <param name="context">The key, the cached object (or gone), and the owned-object lookups.</param>
    /// <param name="cancellationToken">Cancelled when this replica loses leadership or shutdown passes its drain bound: stop at once.</param>
    /// <returns>What to do with the key next.</returns>
    Task<ReconcileResult> ReconcileAsync(ReconcileContext<TPrimary> context, CancellationToken cancellationToken);
}
