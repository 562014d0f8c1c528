using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

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
    /// <summary>
    /// Drop <c>metadata.managedFields</c> from every object of every informer this factory creates, before it is cached
    /// (default false); see <see cref="SharedIndexInformerOptions{T}.StripManagedFields"/>. For any other change to the
    /// cached objects, set a typed transform on the informer: <see cref="SharedIndexInformer{T}.SetTransform"/>
    /// (<c>factory.Core.V1.Pods.SetTransform(p => ...)</c> on a generated factory).
    /// </summary>
    public bool StripManagedFields { get; set; }
    /// <summary>Reflector options for every informer.</summary>
    public ReflectorOptions Reflector { get; set; } = new();
    /// <summary>
    /// Decode list items and watch objects with the one-pass readers the source generator compiles for every model type it
    /// generates an informer for (default true). They decode exactly as KubernetesClient's <c>JsonSerializer</c> settings
    /// do, and hand anything unusual to <c>JsonSerializer</c>; set false to always use <c>JsonSerializer</c>.
    /// </summary>
    public bool CompiledReaders { get; set; } = true;
    /// <summary>
    /// How many threads may decode the items of one list response (default: the processors the process may use, at most
    /// four; more than 64 counts as 64). The reading thread finds where items end and hands batches of them to workers, so
    /// a large list decodes while it arrives; items keep their order and decode exactly alike. 1 decodes on the thread that
    /// reads the response (so do values below 1).
    /// </summary>
    public int ListDecodeParallelism { get; set; } = ListBodyReader.DefaultParallelism;
    /// <summary>
    /// Open the connection to an <c>https</c> API server when <see cref="SharedInformerFactory.Start"/> is first called,
    /// on another thread, so the TLS handshake, the credentials and the HTTP stack's start-up overlap the informers' own
    /// start (default true). It costs one <c>GET /version</c> (readable by every user under the default RBAC); its
    /// outcome is ignored, and the first list waits for it so both use the one connection. Plain <c>http</c> servers are
    /// never pre-connected. Only informers whose list/watch source is the factory's own (<see cref="HttpListWatch{T}"/>)
    /// take part.
    /// </summary>
    public bool ConnectEarly { get; set; } = true;
}

/// <summary>
/// Creates and owns one informer per resource and object type, shares it between everyone who asks, and starts, syncs
/// and stops them together. The generated factory derives from it and adds typed accessors such as
/// <c>factory.Apps.V1.Deployments</c>.
/// </summary>
/// <remarks>
/// Thread-safe. <see cref="Start"/> starts every informer not yet started and may be called again after creating more
/// (as with client-go, an informer created after <see cref="Start"/> runs only once <see cref="Start"/> is called again).
/// <see cref="ShutdownAsync"/> stops them all and waits until their loops and handlers have finished; the factory then
/// refuses to start anything.
/// </remarks>
public class SharedInformerFactory : IAsyncDisposable
{
    private readonly IKubernetes _client;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private readonly Dictionary<(Type, ResourceDescriptor), ISharedInformer> _informers = [];
    private readonly List<ISharedInformer> _order = [];
    private readonly Dictionary<ISharedInformer, Task> _running = [];
    private readonly CancellationTokenSource _stopping = new();
    private bool _shutdown;
    private bool _createdHttpListWatch;
    private Task? _warmUp;

    /// <summary>Creates a factory that talks to the API server through <paramref name="client"/>.</summary>
    public SharedInformerFactory(IKubernetes client, SharedInformerFactoryOptions? options = null,
        ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Options = options ?? new SharedInformerFactoryOptions();
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The options.</summary>
    public SharedInformerFactoryOptions Options { get; }

    /// <summary>The client informers list and watch through.</summary>
    protected IKubernetes Client => _client;

    /// <summary>Every informer created so far.</summary>
    public IReadOnlyCollection<ISharedInformer> Informers
    {
        get
        {
            lock (_lock)
            {
                return [.. _order];
            }
        }
    }

    /// <summary>The informer for <paramref name="resource"/> and <typeparamref name="T"/>, created on first use.</summary>
    /// <exception cref="ObjectDisposedException">The factory has been shut down.</exception>
    public SharedIndexInformer<T> InformerFor<T>(ResourceDescriptor resource) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(resource);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_shutdown, this);
            if (_informers.TryGetValue((typeof(T), resource), out var existing))
            {
                return (SharedIndexInformer<T>)existing;
            }

            var listWatchOptions = new ListWatchOptions
            {
                Namespace = resource.Namespaced ? Options.Namespace : null,
                LabelSelector = Options.LabelSelector,
                FieldSelector = Options.FieldSelector,
            };
            if (Options.TweakListOptions is { } tweak)
            {
                listWatchOptions = tweak(resource, listWatchOptions) ?? listWatchOptions;
            }

            var informer = new SharedIndexInformer<T>(CreateListWatch<T>(resource, listWatchOptions), new SharedIndexInformerOptions<T>
            {
                Resource = resource,
                DefaultResyncPeriod = Options.ResyncPeriods.TryGetValue(typeof(T), out var resync) ? resync : Options.DefaultResyncPeriod,
                StripManagedFields = Options.StripManagedFields,
                Reflector = Options.Reflector,
            }, _loggerFactory, _time);
            _informers.Add((typeof(T), resource), informer);
            _order.Add(informer);
            return informer;
        }
    }

    /// <summary>Starts every informer not yet started. Idempotent; informers created later are started by the next call.</summary>
    /// <exception cref="ObjectDisposedException">The factory has been shut down.</exception>
    public void Start()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_shutdown, this);
            if (_warmUp is null && _createdHttpListWatch && Options.ConnectEarly && _client is Kubernetes kubernetes)
            {
                var token = _stopping.Token;
                // The warm-up does not depend on the object type; V1Pod only names one instantiation of the generic class.
                _warmUp = Task.Run(() => HttpListWatch<V1Pod>.WarmUpConnectionAsync(kubernetes, token), CancellationToken.None);
            }

            foreach (var informer in _order)
            {
                if (!_running.ContainsKey(informer) && !informer.IsStarted)
                {
                    var token = _stopping.Token;
                    _running.Add(informer, Task.Run(() => informer.RunAsync(token), CancellationToken.None));
                }
            }
        }
    }

    /// <summary>
    /// Waits, without a time limit, until every informer started so far has synced; see
    /// <see cref="WaitForCacheSyncAsync(TimeSpan, CancellationToken)"/>.
    /// </summary>
    /// <exception cref="InformerSyncException">An informer stopped before it synced.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task WaitForCacheSyncAsync(CancellationToken cancellationToken = default) =>
        WaitForCacheSyncAsync(Timeout.InfiniteTimeSpan, cancellationToken);

    /// <summary>
    /// The factory's one wait for sync: returns once every informer started so far (by <see cref="Start"/>) has synced,
    /// i.e. delivered its first full list to its cache. Informers created but not yet started are not waited for (as
    /// client-go's <c>WaitForCacheSync</c>). The timeout runs on the clock the factory was created with.
    /// </summary>
    /// <param name="timeout">How long to wait; <see cref="Timeout.InfiniteTimeSpan"/> waits for ever.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="InformerSyncException">
    /// The timeout passed, or an informer stopped, first: the message and <see cref="InformerSyncException.Unsynced"/>
    /// name every informer that had not synced and its last list/watch error.
    /// </exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative and not infinite.</exception>
    public Task WaitForCacheSyncAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "The timeout must be positive, zero or Timeout.InfiniteTimeSpan.");
        }

        ISharedInformer[] started;
        lock (_lock)
        {
            started = [.. _order.Where(_running.ContainsKey)];
        }

        return CacheSyncWait.WaitAsync(started, timeout, _time, cancellationToken);
    }

    /// <summary>Stops every informer and waits for them to finish.</summary>
    public async Task ShutdownAsync()
    {
        Task[] running;
        lock (_lock)
        {
            _shutdown = true;
            running = _warmUp is null ? [.. _running.Values] : [.. _running.Values, _warmUp];
        }

        _stopping.Cancel();
        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await ShutdownAsync().ConfigureAwait(false);
        GC.SuppressFinalize(this);
    }

    /// <summary>Creates the list/watch source of a new informer. Override to substitute a source (tests).</summary>
    /// <remarks>Called under the factory's lock.</remarks>
    protected virtual IListWatch<T> CreateListWatch<T>(ResourceDescriptor resource, ListWatchOptions options) where T : class, IKubernetesObject<V1ObjectMeta>
    {
        var listWatch = new HttpListWatch<T>(_client, resource, options)
        {
            TimeProvider = _time,
            CompiledReaders = Options.CompiledReaders,
            ListDecodeParallelism = Options.ListDecodeParallelism,
            ConnectionWarmUp = () => Volatile.Read(ref _warmUp),
        };
        _createdHttpListWatch = true;
        return listWatch;
    }
}
