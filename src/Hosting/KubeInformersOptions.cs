using k8s;
using KubeInformers.Hosting.Health;
using KubeInformers.Hosting.LeaderElection;

namespace KubeInformers.Hosting;

/// <summary>
/// Options of <c>services.AddKubeInformers&lt;TFactory&gt;(...)</c>: where the cluster is, which informers to start,
/// how long startup may wait for them, health thresholds and leader election. Configure once at registration.
/// </summary>
/// <typeparam name="TFactory">The informer factory (usually the generated one).</typeparam>
public sealed class KubeInformersOptions<TFactory> where TFactory : SharedInformerFactory
{
    private readonly List<Action<TFactory, IServiceProvider>> _setup = [];

    /// <summary>
    /// A ready client to use. Takes precedence over every other way of reaching the cluster. If an
    /// <see cref="IKubernetes"/> is already registered in the container, that one is used and none of these apply.
    /// </summary>
    public IKubernetes? Client { get; set; }

    /// <summary>Creates the client from the container (after <see cref="Client"/>, before the configuration options).</summary>
    public Func<IServiceProvider, IKubernetes>? ClientFactory { get; set; }

    /// <summary>A client configuration to build the client from.</summary>
    public KubernetesClientConfiguration? ClientConfiguration { get; set; }

    /// <summary>
    /// A kubeconfig file to read. When none of <see cref="Client"/>, <see cref="ClientFactory"/>,
    /// <see cref="ClientConfiguration"/> and this is set, the in-cluster service account is used inside a pod, and otherwise
    /// KubernetesClient's default (<c>KUBECONFIG</c>, then <c>~/.kube/config</c>).
    /// </summary>
    public string? KubeconfigPath { get; set; }

    /// <summary>The kubeconfig context to use (null: the current context).</summary>
    public string? KubeconfigContext { get; set; }

    /// <summary>Factory options: namespace, selectors, resync periods, transform, reflector options.</summary>
    public SharedInformerFactoryOptions Factory { get; set; } = new();

    /// <summary>
    /// How long the hosted service's <c>StartAsync</c> waits for every informer to sync before it fails startup with an
    /// <see cref="InformerSyncException"/> (2 minutes). <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.
    /// </summary>
    public TimeSpan SyncTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Liveness thresholds.</summary>
    public InformerLivenessOptions Liveness { get; set; } = new();

    /// <summary>Leader election (off by default: every replica reconciles).</summary>
    public LeaderElectionOptions LeaderElection { get; set; } = new();

    /// <summary>Asks for an informer, e.g. <c>o.AddInformer(f =&gt; f.Apps.V1.Deployments)</c>: it is created before the factory starts.</summary>
    /// <param name="select">Reads an informer accessor of the factory (the returned value is not used).</param>
    public KubeInformersOptions<TFactory> AddInformer(Func<TFactory, object?> select)
    {
        ArgumentNullException.ThrowIfNull(select);
        _setup.Add((factory, _) => select(factory));
        return this;
    }

    /// <summary>Runs code against the factory before it starts (create informers, add indexers or handlers).</summary>
    public KubeInformersOptions<TFactory> ConfigureFactory(Action<TFactory, IServiceProvider> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _setup.Add(configure);
        return this;
    }

    internal IReadOnlyList<Action<TFactory, IServiceProvider>> Setup => _setup;
}
