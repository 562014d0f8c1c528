using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace KubeInformers;

/// <summary>Options of a <see cref="SharedInformerFactory"/>.</summary>
public sealed class SharedInformerFactoryOptions
{
    /// <summary>Watch only this namespace (null: all namespaces). Cluster-scoped resources ignore it.</summary>
    public string? Namespace { get; set; }
    /// <summary>A label selector applied to every informer.</summary>
    public string? LabelSelector { get; set; }
    /// <summary>A field selector applied to every informer.</summary>
    public string? FieldSelector { get; set; }
    /// <summary>Adjusts the list/watch options per resource.</summary>
    public Func<ResourceDescriptor, ListWatchOptions, ListWatchOptions>? TweakListOptions { get; set; }
    /// <summary>Default handler resync period (zero: none).</summary>
    public TimeSpan DefaultResyncPeriod { get; set; }
    /// <summary>Resync periods per object type, overriding <see cref="DefaultResyncPeriod"/>.</summary>
    public IDictionary<Type, TimeSpan> ResyncPeriods { get; } = new Dictionary<Type, TimeSpan>();
    /// <summary>A transform run once on every object before caching (e.g. to drop managedFields). Must be idempotent and return an object of the same type.</summary>
    public Func<object, object>? Transform { get; set; }
    /// <summary>Reflector options for every informer.</summary>
    public ReflectorOptions Reflector { get; set; } = new();
}

/// <summary>
/// Creates and owns one informer per resource and object type, shares it between everyone who asks, and starts, syncs
/// and stops them together. The generated factory derives from it and adds typed accessors such as
/// <c>factory.Apps.V1.Deployments</c>.
/// </summary>
public class SharedInformerFactory : IAsyncDisposable
{
    /// <summary>Creates a factory that talks to the API server through <paramref name="client"/>.</summary>
    public SharedInformerFactory(IKubernetes client, SharedInformerFactoryOptions? options = null,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null) => throw new NotImplementedException();

    /// <summary>The options.</summary>
    public SharedInformerFactoryOptions Options => throw new NotImplementedException();

    /// <summary>Every informer created so far.</summary>
    public IReadOnlyCollection<ISharedInformer> Informers => throw new NotImplementedException();

    /// <summary>The informer for <paramref name="resource"/> and <typeparamref name="T"/>, created on first use.</summary>
    public SharedIndexInformer<T> InformerFor<T>(ResourceDescriptor resource) where T : class, IKubernetesObject<V1ObjectMeta> => throw new NotImplementedException();

    /// <summary>Starts every informer not yet started. Idempotent; informers created later are started by the next call.</summary>
    public void Start() => throw new NotImplementedException();

    /// <summary>Waits until every started informer has synced; false if cancelled first.</summary>
    public Task<bool> WaitForCacheSyncAsync(CancellationToken cancellationToken = default) => throw new NotImplementedException();

    /// <summary>Stops every informer and waits for them to finish.</summary>
    public Task ShutdownAsync() => throw new NotImplementedException();

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => throw new NotImplementedException();

    /// <summary>Creates the list/watch source of a new informer. Override to substitute a source (tests).</summary>
    protected virtual IListWatch<T> CreateListWatch<T>(ResourceDescriptor resource, ListWatchOptions options) where T : class, IKubernetesObject<V1ObjectMeta>
        => throw new NotImplementedException();
}
