using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Hosting.Controllers;
using KubeInformers.Hosting.LeaderElection;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeInformers.Hosting.Tests;

/// <summary>
/// Two replicas share a Lease on the emulator. Each runs the real <see cref="LeaseLeadership"/> and
/// <see cref="ControllerHostedService"/>, with the same keys queued on both (as two replicas with warm caches would have).
/// A shared ledger records which replica is reconciling which key at every moment.
/// </summary>
public sealed class LeaderHandoverTests : IAsyncLifetime
{
    private static readonly string[] Keys = ["ns/a", "ns/b", "ns/c", "ns/d"];
    private KubernetesEmulator _emulator = null!;
    private readonly Ledger _ledger = new();

    public async Task InitializeAsync() => _emulator = await KubernetesEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task GracefulStop_HandsReconcilingToTheOtherReplica_NeverBothAtOnce()
    {
        await using var a = await Replica.StartAsync("replica-a", _emulator.CreateClient(), _ledger);
        await Wait.UntilAsync(() => a.Leadership.IsLeader && _ledger.Count("replica-a") >= 5, "replica-a to lead and reconcile");

        await using var b = await Replica.StartAsync("replica-b", _emulator.CreateClient(), _ledger);
        await Wait.UntilAsync(() => b.Leadership.CurrentLeader == "replica-a", "replica-b to see replica-a as leader");
        var aBefore = _ledger.Count("replica-a");
        await Wait.UntilAsync(() => _ledger.Count("replica-a") >= aBefore + 20, "replica-a to keep reconciling");
        Assert.Equal(0, _ledger.Count("replica-b"));
        Assert.False(b.Leadership.IsLeader);

        await a.StopAsync(); // drains, then releases the lease
        var aStopped = _ledger.Count("replica-a");
        var lease = await _emulator.CreateClient().CoordinationV1.ReadNamespacedLeaseAsync(Replica.LeaseName, "default");
        Assert.NotEqual("replica-a", lease.Spec.HolderIdentity); // released (or already taken by replica-b)
        await Wait.UntilAsync(() => b.Leadership.IsLeader && _ledger.Count("replica-b") >= 5, "replica-b to take over");

        Assert.Equal(aStopped, _ledger.Count("replica-a"));
        Assert.Empty(_ledger.Violations);
        Assert.All(Keys, k => Assert.Contains(k, _ledger.KeysReconciledBy("replica-b")));
    }

    [Fact]
    public async Task LosingTheLease_StopsReconcilingAtOnce_AndTheNewLeaderStartsOnlyAfter()
    {
        var clientA = _emulator.CreateClient();
        await using var a = await Replica.StartAsync("replica-a", clientA, _ledger);
        await Wait.UntilAsync(() => a.Leadership.IsLeader && _ledger.Count("replica-a") >= 5, "replica-a to lead and reconcile");
        await using var b = await Replica.StartAsync("replica-b", _emulator.CreateClient(), _ledger);
        await Wait.UntilAsync(() => b.Leadership.CurrentLeader == "replica-a", "replica-b to see replica-a as leader");
        Assert.False(b.Leadership.IsLeader);

        // Another party takes the lease (as after a network partition in which replica-a could not renew).
        var stolenAt = await StealLeaseAsync(clientA, "intruder");
        await Wait.UntilAsync(() => !a.Leadership.IsLeader, "replica-a to notice it lost the lease");
        var lostAt = DateTimeOffset.UtcNow;
        // Its reconciles in flight were cancelled when the term ended: "at once" means well within a second.
        await Wait.UntilAsync(() => _ledger.ActiveCount("replica-a") == 0, "replica-a's reconciles to stop", TimeSpan.FromSeconds(1));

        // The intruder never renews: once its lease expires, one of the replicas leads again.
        await Wait.UntilAsync(() => a.Leadership.IsLeader || b.Leadership.IsLeader, "a replica to lead again", TimeSpan.FromSeconds(30));
        var newLeader = a.Leadership.IsLeader ? "replica-a" : "replica-b";
        var before = _ledger.Count(newLeader);
        await Wait.UntilAsync(() => _ledger.Count(newLeader) >= before + 5, "the new leader to reconcile");

        Assert.Empty(_ledger.Violations);
        // Nobody may lead before the intruder's lease (renewed at stolenAt for 3 s) has expired: no reconcile started
        // between replica-a's loss and then.
        Assert.True(_ledger.StartedBetween(lostAt, stolenAt + TimeSpan.FromSeconds(2.9)) == 0,
            $"{newLeader} started reconciling {(_ledger.FirstStartAfter(lostAt) - stolenAt).TotalSeconds:0.00} s after the lease was stolen; replica-a noticed the loss after {(lostAt - stolenAt).TotalSeconds:0.00} s.");
    }

    /// <summary>Writes another holder into the lease, renewed now for 3 s; returns the renew time written.</summary>
    private static async Task<DateTimeOffset> StealLeaseAsync(IKubernetes client, string holder)
    {
        for (var attempt = 0; ; attempt++)
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(Replica.LeaseName, "default");
            var now = DateTime.UtcNow;
            lease.Spec.HolderIdentity = holder;
            lease.Spec.RenewTime = now;
            lease.Spec.AcquireTime = now;
            lease.Spec.LeaseDurationSeconds = 3;
            try
            {
                await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, Replica.LeaseName, "default");
                return new DateTimeOffset(now, TimeSpan.Zero);
            }
            catch (k8s.Autorest.HttpOperationException ex) when (ex.Response.StatusCode == System.Net.HttpStatusCode.Conflict && attempt < 20)
            {
                // the leader renewed in between: read again
            }
        }
    }

    /// <summary>One replica: leadership, a controller with every key queued, and the controller hosted service.</summary>
    private sealed class Replica : IAsyncDisposable
    {
        public const string LeaseName = "handover-test";
        private readonly ControllerHostedService _service;
        private readonly Controller<string> _controller;
        private bool _stopped;

        private Replica(LeaseLeadership leadership, ControllerHostedService service, Controller<string> controller)
        {
            Leadership = leadership;
            _service = service;
            _controller = controller;
        }

        public LeaseLeadership Leadership { get; }

        public static async Task<Replica> StartAsync(string identity, IKubernetes client, Ledger ledger)
        {
            var leadership = new LeaseLeadership(client, new LeaderElectionOptions
            {
                Enabled = true,
                LeaseName = LeaseName,
                LeaseNamespace = "default",
                Identity = identity,
                // Short, but with room for a loaded CI machine: renewals every 250 ms, given up after 2 s of failures;
                // others wait 4 s after the last change they saw.
                LeaseDuration = TimeSpan.FromSeconds(4),
                RenewDeadline = TimeSpan.FromSeconds(2),
                RetryPeriod = TimeSpan.FromMilliseconds(250),
            });
            var controller = new Controller<string>(identity, new DelegateReconciler<string>(async (key, ct) =>
            {
                using (ledger.Enter(identity, key))
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(30), ct); // the work itself
                }
                return ReconcileResult.RequeueAfter(TimeSpan.FromMilliseconds(10));
            }), new ControllerOptions<string> { Workers = 2 });
            foreach (var key in Keys)
            {
                controller.Enqueue(key);
            }
            var synced = new CacheSyncSignal();
            synced.SetSynced();
            var service = new ControllerHostedService([new ControllerRunner<SharedInformerFactory>(controller, (_, _) => { })],
                leadership, synced, NullLogger<ControllerHostedService>.Instance);
            await leadership.StartAsync(CancellationToken.None);
            await service.StartAsync(CancellationToken.None);
            return new Replica(leadership, service, controller);
        }

        public async Task StopAsync()
        {
            if (_stopped)
            {
                return;
            }
            _stopped = true;
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _service.StopAsync(timeout.Token);       // drain the workers first,
            await Leadership.StopAsync(timeout.Token);     // then give the lease up
            _service.Dispose();
            Leadership.Dispose();
            _controller.Dispose();
        }

        public async ValueTask DisposeAsync() => await StopAsync();
    }

    /// <summary>Who reconciles what, when; records a violation if two replicas reconcile one key at once.</summary>
    private sealed class Ledger
    {
        private readonly object _gate = new();
        private readonly Dictionary<string, string> _active = [];
        private readonly List<(string Replica, string Key, DateTimeOffset Start, DateTimeOffset End)> _done = [];
        public ConcurrentQueue<string> Violations { get; } = new();

        public IDisposable Enter(string replica, string key)
        {
            var start = DateTimeOffset.UtcNow;
            lock (_gate)
            {
                if (_active.TryGetValue(key, out var other))
                {
                    Violations.Enqueue($"{key} reconciled by {replica} while {other} was reconciling it");
                }
                _active[key] = replica;
            }
            return new Exit(() =>
            {
                lock (_gate)
                {
                    if (_active.TryGetValue(key, out var current) && current == replica)
                    {
                        _active.Remove(key);
                    }
                    _done.Add((replica, key, start, DateTimeOffset.UtcNow));
                }
            });
        }

        public int Count(string replica)
        {
            lock (_gate)
            {
                return _done.Count(d => d.Replica == replica);
            }
        }

        public int ActiveCount(string replica)
        {
            lock (_gate)
            {
                return _active.Values.Count(r => r == replica);
            }
        }

        public IReadOnlySet<string> KeysReconciledBy(string replica)
        {
            lock (_gate)
            {
                return _done.Where(d => d.Replica == replica).Select(d => d.Key).ToHashSet();
            }
        }

        public DateTimeOffset FirstStartAfter(DateTimeOffset after)
        {
            lock (_gate)
            {
                return _done.Where(d => d.Start > after).Select(d => d.Start).DefaultIfEmpty(DateTimeOffset.MaxValue).Min();
            }
        }

        public int StartedBetween(DateTimeOffset from, DateTimeOffset to)
        {
            lock (_gate)
            {
                return _done.Count(d => d.Start > from && d.Start < to);
            }
        }

        private sealed class Exit(Action onExit) : IDisposable
        {
            public void Dispose() => onExit();
        }
    }
}
