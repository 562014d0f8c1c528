using k8s;
using k8s.Models;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.Logging;

namespace KubeInformers.Hosting.Controllers;

/// <summary>
/// Builds a controller of one primary type, as controller-runtime's builder does: <see cref="For"/> the primary informer,
/// <see cref="Owns{TChild}"/> the children it controls (a child's change reconciles its controlling owner), and
/// <see cref="Watches{T}"/> anything else through a mapping to primary keys; each source with its own
/// <see cref="ChangePredicate{T}"/> and resync period. The result is a <see cref="Controller{TKey}"/> of cache keys whose
/// reconciler reads the primary from the cache and calls an <see cref="IObjectReconciler{TPrimary}"/>.
/// Wire the sources before the informers start (in <c>AddController</c>'s callback); not thread-safe while building.
/// </summary>
/// <typeparam name="TPrimary">The primary object type.</typeparam>
public sealed class ControllerBuilder<TPrimary> where TPrimary : class, IKubernetesObject<V1ObjectMeta>
{
    private readonly Dictionary<Type, object> _ownedListers = [];
    private SharedIndexInformer<TPrimary>? _primary;

    /// <summary>Creates the controller (and its queue); add sources next.</summary>
    /// <param name="name">The controller's name (logs, metrics, queue name).</param>
    /// <param name="reconciler">Reconciles one primary object.</param>
    /// <param name="options">Workers, rate limiter, retries, drain bound.</param>
    /// <param name="logger">Logs failures.</param>
    /// <param name="timeProvider">The clock of delays.</param>
    /// <param name="metrics">Where to record metrics, or null.</param>
    public ControllerBuilder(string name, IObjectReconciler<TPrimary> reconciler, ControllerOptions<string>? options = null,
        ILogger? logger = null, TimeProvider? timeProvider = null, KubeInformersMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        Controller = new Controller<string>(name, new CachedObjectReconciler(this, reconciler), options, logger, timeProvider, metrics);
    }

    /// <summary>The controller being built (run it, or register it through <c>AddController</c>).</summary>
    public Controller<string> Controller { get; }

    /// <summary>The primary informer, once <see cref="For"/> was called.</summary>
    public SharedIndexInformer<TPrimary>? Primary => _primary;

    /// <summary>Reconciles every primary object <paramref name="informer"/> reports that passes <paramref name="predicate"/>.</summary>
    /// <exception cref="InvalidOperationException">Called twice.</exception>
    public ControllerBuilder<TPrimary> For(SharedIndexInformer<TPrimary> informer, ChangePredicate<TPrimary>? predicate = null,
        TimeSpan? resyncPeriod = null)
    {
        ArgumentNullException.ThrowIfNull(informer);
        if (_primary is not null)
        {
            throw new InvalidOperationException($"Controller '{Controller.Name}' already has its primary informer ({_primary.Resource}).");
        }
        _primary = informer;
        Controller.Watch(informer, predicate, resyncPeriod);
        return this;
    }

    /// <summary>
    /// Reconciles the controlling owner (owner reference with <c>controller: true</c>, of the primary's kind and group) of
    /// every <typeparamref name="TChild"/> that passes <paramref name="predicate"/>; adds the owner-UID index to the child
    /// informer so <see cref="ReconcileContext{TPrimary}.Owned{TChild}"/> is a lookup.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="For"/> was not called first, or the type is owned already.</exception>
    public ControllerBuilder<TPrimary> Owns<TChild>(SharedIndexInformer<TChild> informer, ChangePredicate<TChild>? predicate = null,
        TimeSpan? resyncPeriod = null) where TChild : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(informer);
        var primary = _primary ?? throw new InvalidOperationException($"Controller '{Controller.Name}': call For(primary informer) before Owns<{typeof(TChild).Name}>().");
        if (!_ownedListers.TryAdd(typeof(TChild), informer.Lister))
        {
            throw new InvalidOperationException($"Controller '{Controller.Name}' owns {typeof(TChild).Name} already.");
        }
        Controller.WatchOwned(informer, primary.Resource, predicate, resyncPeriod);
        return this;
    }

    /// <summary>
    /// Reconciles the primary keys (<c>namespace/name</c>) that <paramref name="map"/> returns for every
    /// <typeparamref name="T"/> that passes <paramref name="predicate"/> (for an update, the keys of the old and the new object).
    /// </summary>
    public ControllerBuilder<TPrimary> Watches<T>(SharedIndexInformer<T> informer, Func<T, IEnumerable<string>> map,
        ChangePredicate<T>? predicate = null, TimeSpan? resyncPeriod = null) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        Controller.WatchMapped(informer, map, predicate, resyncPeriod);
        return this;
    }

    /// <summary>Reads the primary from the cache by key and hands it to the object reconciler.</summary>
    private sealed class CachedObjectReconciler(ControllerBuilder<TPrimary> builder, IObjectReconciler<TPrimary> inner) : IReconciler<string>
    {
        public Task<ReconcileResult> ReconcileAsync(string key, CancellationToken cancellationToken)
        {
            var primary = builder._primary ?? throw new InvalidOperationException(
                $"Controller '{builder.Controller.Name}' has no primary informer: call For(informer) when building it.");
            var context = new ReconcileContext<TPrimary>(builder.Controller.Name, key, primary.Indexer.GetByKey(key), builder._ownedListers);
            return inner.ReconcileAsync(context, cancellationToken);
        }
    }
}
