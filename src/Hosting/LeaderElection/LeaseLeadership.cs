using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers.Hosting.LeaderElection;

/// <summary>
/// Lease-based leadership, run as a hosted service with KubernetesClient's <see cref="LeaderElector"/> and a
/// <see cref="LeaseLock"/>. When the elector reports that leadership was lost (renewal failed for
/// <see cref="LeaderElectionOptions.RenewDeadline"/>, or the host stops) the current term's token is cancelled
/// synchronously, so workers stop at once. Thread-safe.
/// </summary>
public sealed partial class LeaseLeadership : BackgroundService, ILeadership
{
    private readonly IKubernetes _client;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly KubeInformersMetrics? _metrics;
    private readonly object _gate = new();
    private TaskCompletionSource<CancellationToken> _nextTerm = NewTerm();
    private CancellationTokenSource? _term;
    private string? _currentLeader;
    private LeaseLock? _lock;
    private CancellationToken _stopping;
    private volatile bool _everLed;

    /// <summary>Creates the leadership service.</summary>
    public LeaseLeadership(IKubernetes client, LeaderElectionOptions options, ILogger<LeaseLeadership>? logger = null,
        KubeInformersMetrics? metrics = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = metrics;
        Identity = options.Identity ?? $"{Environment.MachineName}-{Guid.NewGuid().ToString("N")[..8]}";
        LeaseNamespace = options.LeaseNamespace ?? PodNamespace() ?? "default";
        LeaseName = options.LeaseName!;
        metrics?.TrackLease(LeaseName, () => IsLeader);
    }

    /// <inheritdoc/>
    public string Identity { get; }

    /// <summary>The Lease's namespace.</summary>
    public string LeaseNamespace { get; }

    /// <summary>The Lease's name.</summary>
    public string LeaseName { get; }

    /// <inheritdoc/>
    public bool IsLeader
    {
        get
        {
            lock (_gate)
            {
                return _term is not null;
            }
        }
    }

    /// <inheritdoc/>
    public string? CurrentLeader => Volatile.Read(ref _currentLeader);

    /// <inheritdoc/>
    public async Task<CancellationToken> WaitForLeadershipAsync(CancellationToken cancellationToken)
    {
        Task<CancellationToken> next;
        lock (_gate)
        {
            next = _nextTerm.Task;
        }
        return await next.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _stopping = stoppingToken;
        _lock = new LeaseLock(_client, LeaseNamespace, LeaseName, Identity);
        var config = new LeaderElectionConfig(_lock)
        {
            LeaseDuration = _options.LeaseDuration,
            RenewDeadline = _options.RenewDeadline,
            RetryPeriod = _options.RetryPeriod,
        };
        using var elector = new LeaderElector(config);
        elector.OnStartedLeading += BeginTerm;
        elector.OnStoppedLeading += EndTerm;
        elector.OnNewLeader += leader =>
        {
            Volatile.Write(ref _currentLeader, leader);
            Log.NewLeader(_logger, LeaseNamespace, LeaseName, leader);
        };
        elector.OnError += error => Log.ElectionError(_logger, LeaseNamespace, LeaseName, error);
        Log.Campaigning(_logger, Identity, LeaseNamespace, LeaseName);
        try
        {
            await elector.RunAndTryToHoldLeadershipForeverAsync(stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            // The elector may already have reported the end of the term; the lease record says whether we still hold it.
            EndTerm();
            if (_options.ReleaseOnShutdown && _everLed)
            {
                await ReleaseAsync().ConfigureAwait(false);
            }
        }
    }

    private void BeginTerm()
    {
        lock (_gate)
        {
            if (_term is not null)
            {
                return;
            }
            _term = new CancellationTokenSource();
            _nextTerm.TrySetResult(_term.Token);
            _everLed = true;
        }
        Volatile.Write(ref _currentLeader, Identity);
        _metrics?.RecordLeaderTransition(LeaseName, acquired: true);
        Log.Acquired(_logger, Identity, LeaseNamespace, LeaseName);
    }

    private void EndTerm()
    {
        CancellationTokenSource? ended;
        lock (_gate)
        {
            ended = _term;
            if (ended is null)
            {
                return;
            }
            _term = null;
            _nextTerm = NewTerm();
        }
        // Cancel outside the lock: registered callbacks (workers) run synchronously here, before the elector goes on.
        ended.Cancel();
        ended.Dispose();
        _metrics?.RecordLeaderTransition(LeaseName, acquired: false);
        if (_stopping.IsCancellationRequested)
        {
            Log.SteppedDown(_logger, Identity, LeaseNamespace, LeaseName);
        }
        else
        {
            Log.Lost(_logger, Identity, LeaseNamespace, LeaseName);
        }
    }

    private async Task ReleaseAsync()
    {
        // Give the lease up (empty holder, 1 s duration) so another replica can take it now rather than after LeaseDuration.
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var record = await _lock!.GetAsync(cts.Token).ConfigureAwait(false);
            if (record.HolderIdentity != Identity)
            {
                return;
            }
            var now = DateTime.UtcNow;
            var released = new LeaderElectionRecord
            {
                HolderIdentity = "",
                LeaseDurationSeconds = 1,
                AcquireTime = now,
                RenewTime = now,
                LeaderTransitions = record.LeaderTransitions,
            };
            if (await _lock.UpdateAsync(released, cts.Token).ConfigureAwait(false))
            {
                Log.Released(_logger, Identity, LeaseNamespace, LeaseName);
            }
        }
        catch (Exception ex)
        {
            Log.ReleaseFailed(_logger, LeaseNamespace, LeaseName, ex);
        }
    }

    private static TaskCompletionSource<CancellationToken> NewTerm() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static string? PodNamespace()
    {
        const string path = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "{Identity} is campaigning for lease {Namespace}/{Lease}.")]
        public static partial void Campaigning(ILogger logger, string identity, string @namespace, string lease);

        [LoggerMessage(2, LogLevel.Information, "{Identity} acquired lease {Namespace}/{Lease}: reconciling.")]
        public static partial void Acquired(ILogger logger, string identity, string @namespace, string lease);

        [LoggerMessage(3, LogLevel.Warning, "{Identity} lost lease {Namespace}/{Lease}: reconciling stopped.")]
        public static partial void Lost(ILogger logger, string identity, string @namespace, string lease);

        [LoggerMessage(4, LogLevel.Information, "Lease {Namespace}/{Lease} is held by {Leader}.")]
        public static partial void NewLeader(ILogger logger, string @namespace, string lease, string leader);

        [LoggerMessage(5, LogLevel.Warning, "Leader election on lease {Namespace}/{Lease} failed an attempt.")]
        public static partial void ElectionError(ILogger logger, string @namespace, string lease, Exception error);

        [LoggerMessage(6, LogLevel.Information, "{Identity} released lease {Namespace}/{Lease}.")]
        public static partial void Released(ILogger logger, string identity, string @namespace, string lease);

        [LoggerMessage(8, LogLevel.Information, "{Identity} stepped down from lease {Namespace}/{Lease}: shutting down.")]
        public static partial void SteppedDown(ILogger logger, string identity, string @namespace, string lease);

        [LoggerMessage(7, LogLevel.Warning, "Could not release lease {Namespace}/{Lease}; another replica takes over once it expires.")]
        public static partial void ReleaseFailed(ILogger logger, string @namespace, string lease, Exception error);
    }
}
