using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers.Hosting.LeaderElection;

/// <summary>
/// Lease-based leadership, run as a hosted service: client-go's <c>leaderelection</c> algorithm on a
/// <c>coordination.k8s.io/v1</c> Lease, with every clock read and delay through a <see cref="TimeProvider"/> (so tests drive
/// it with a fake clock). Every <see cref="LeaderElectionOptions.RetryPeriod"/> a replica tries to acquire or renew: it
/// takes the lease when it is free or when its record has not changed for the record's lease duration <em>as measured on
/// this replica's clock since it observed that record</em> (never by comparing another machine's timestamps). The leader
/// renews every retry period; when a renewal has not succeeded for <see cref="LeaderElectionOptions.RenewDeadline"/>, or it
/// sees another holder in the record, the term ends and its token is cancelled synchronously, so workers stop at once.
/// On shutdown the lease is released (when <see cref="LeaderElectionOptions.ReleaseOnShutdown"/>). Thread-safe.
/// </summary>
public sealed partial class LeaseLeadership : BackgroundService, ILeadership
{
    private readonly IKubernetes _client;
    private readonly LeaderElectionOptions _options;
    private readonly ILogger _logger;
    private readonly KubeInformersMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly object _gate = new();
    private TaskCompletionSource<CancellationToken> _nextTerm = NewTerm();
    private CancellationTokenSource? _term;
    private string? _currentLeader;
    private CancellationToken _stopping;
    private volatile bool _everLed;
    private string? _observedResourceVersion;
    private DateTimeOffset _observedAt;
    private int _attempts;

    /// <summary>Creates the leadership service.</summary>
    public LeaseLeadership(IKubernetes client, LeaderElectionOptions options, ILogger<LeaseLeadership>? logger = null,
        KubeInformersMetrics? metrics = null, TimeProvider? timeProvider = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = metrics;
        _time = timeProvider ?? TimeProvider.System;
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

    /// <summary>Acquire/renew attempts completed so far; the next attempt's delay is already scheduled when this increments (tests wait on it).</summary>
    internal int Attempts => Volatile.Read(ref _attempts);

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
        Log.Campaigning(_logger, Identity, LeaseNamespace, LeaseName);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (!await TryAcquireOrRenewAsync(stoppingToken).ConfigureAwait(false))
                {
                    await NextAttemptAsync(stoppingToken).ConfigureAwait(false);
                }
                BeginTerm();
                var renewedAt = _time.GetUtcNow();
                while (true)
                {
                    await NextAttemptAsync(stoppingToken).ConfigureAwait(false);
                    if (await TryAcquireOrRenewAsync(stoppingToken).ConfigureAwait(false))
                    {
                        renewedAt = _time.GetUtcNow();
                    }
                    else if (CurrentLeader != Identity || _time.GetUtcNow() - renewedAt >= _options.RenewDeadline)
                    {
                        break;
                    }
                }
                EndTerm();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            EndTerm();
            if (_options.ReleaseOnShutdown && _everLed)
            {
                await ReleaseAsync().ConfigureAwait(false);
            }
        }
    }

    private Task NextAttemptAsync(CancellationToken cancellationToken)
    {
        var delay = Task.Delay(_options.RetryPeriod, _time, cancellationToken); // scheduled before the attempt is counted
        Interlocked.Increment(ref _attempts);
        return delay;
    }

    /// <summary>One attempt: create the lease, take it (free or expired), or renew it. False when another holds it or on error.</summary>
    private async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        try
        {
            V1Lease lease;
            try
            {
                lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, LeaseNamespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
            {
                var created = await _client.CoordinationV1.CreateNamespacedLeaseAsync(new V1Lease
                {
                    ApiVersion = "coordination.k8s.io/v1",
                    Kind = "Lease",
                    Metadata = new V1ObjectMeta { Name = LeaseName, NamespaceProperty = LeaseNamespace },
                    Spec = Held(now, acquiredAt: now.UtcDateTime, transitions: 0),
                }, LeaseNamespace, cancellationToken: cancellationToken).ConfigureAwait(false);
                Observe(created, now);
                return true;
            }

            Observe(lease, now);
            var spec = lease.Spec ?? new V1LeaseSpec();
            var holder = spec.HolderIdentity;
            var held = !string.IsNullOrEmpty(holder) && holder != Identity
                && _observedAt + TimeSpan.FromSeconds(spec.LeaseDurationSeconds ?? 0) > now;
            if (held)
            {
                return false;
            }
            var mine = holder == Identity;
            lease.Spec = Held(now, acquiredAt: mine && spec.AcquireTime is { } acquired ? acquired : now.UtcDateTime,
                transitions: (spec.LeaseTransitions ?? 0) + (mine || string.IsNullOrEmpty(holder) ? 0 : 1));
            var updated = await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, LeaseName, LeaseNamespace, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            Observe(updated, now);
            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.Conflict)
        {
            return false; // someone else wrote the lease in between: read again next time
        }
        catch (Exception ex)
        {
            Log.ElectionError(_logger, LeaseNamespace, LeaseName, ex);
            return false;
        }
    }

    private V1LeaseSpec Held(DateTimeOffset now, DateTime acquiredAt, int transitions) => new()
    {
        HolderIdentity = Identity,
        LeaseDurationSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds),
        AcquireTime = acquiredAt,
        RenewTime = now.UtcDateTime,
        LeaseTransitions = transitions,
    };

    /// <summary>Remembers when this replica first saw the record as it is now (the lease's age is measured from then).</summary>
    private void Observe(V1Lease lease, DateTimeOffset now)
    {
        if (lease.Metadata?.ResourceVersion != _observedResourceVersion)
        {
            _observedResourceVersion = lease.Metadata?.ResourceVersion;
            _observedAt = now;
        }
        var holder = lease.Spec?.HolderIdentity;
        if (!string.IsNullOrEmpty(holder) && Interlocked.Exchange(ref _currentLeader, holder) != holder)
        {
            Log.NewLeader(_logger, LeaseNamespace, LeaseName, holder);
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
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5), _time);
            var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync(LeaseName, LeaseNamespace, cancellationToken: cts.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != Identity)
            {
                return;
            }
            var now = _time.GetUtcNow().UtcDateTime;
            lease.Spec.HolderIdentity = "";
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.AcquireTime = now;
            lease.Spec.RenewTime = now;
            await _client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, LeaseName, LeaseNamespace, cancellationToken: cts.Token).ConfigureAwait(false);
            Log.Released(_logger, Identity, LeaseNamespace, LeaseName);
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
