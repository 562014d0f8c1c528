using k8s;
using KubeInformers.Emulator;
using KubeInformers.Hosting.LeaderElection;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Hosting.Tests;

/// <summary>
/// <see cref="LeaseLeadership"/> on a fake clock (the Lease itself on the emulator): each step advances one retry period
/// and waits until every replica has finished its attempt and scheduled the next, so the timing assertions are exact.
/// </summary>
public sealed class LeaseLeadershipClockTests : IAsyncLifetime
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);
    private KubernetesEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await KubernetesEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private LeaseLeadership Replica(string identity, bool release = false) => new(_emulator.CreateClient(), new LeaderElectionOptions
    {
        Enabled = true,
        LeaseName = "clock-test",
        LeaseNamespace = "default",
        Identity = identity,
        LeaseDuration = TimeSpan.FromSeconds(15),
        RenewDeadline = TimeSpan.FromSeconds(10),
        RetryPeriod = Retry,
        ReleaseOnShutdown = release,
    }, timeProvider: _time);

    private async Task StepAsync(params LeaseLeadership[] replicas)
    {
        var before = replicas.Select(r => r.Attempts).ToArray();
        _time.Advance(Retry);
        await Wait.UntilAsync(() => replicas.Select((r, i) => r.Attempts > before[i]).All(x => x), "every replica's attempt");
    }

    [Fact]
    public async Task AStandbyTakesOverOnlyAfterTheLeaseDurationOfSilence_MeasuredOnItsOwnClock()
    {
        var a = Replica("a");
        await a.StartAsync(CancellationToken.None);
        await Wait.UntilAsync(() => a.IsLeader && a.Attempts >= 1, "a to lead");
        var b = Replica("b");
        await b.StartAsync(CancellationToken.None);
        await Wait.UntilAsync(() => b.Attempts >= 1, "b's first attempt");
        Assert.Equal("a", b.CurrentLeader);
        Assert.False(b.IsLeader);

        // a keeps renewing: b never takes over, however long.
        for (var i = 0; i < 10; i++)
        {
            await StepAsync(a, b);
        }
        Assert.True(a.IsLeader);
        Assert.False(b.IsLeader);

        // a "crashes": it stops renewing without releasing. b observed a's last renewal at the last step, or at the next
        // one when b read the lease just before a renewed it in that step (both attempt at the same fake instant).
        await a.StopAsync(CancellationToken.None);
        for (var i = 0; i < 7; i++)
        {
            await StepAsync(b); // 2 … 14 s of silence: the 15 s lease still counts as held
            Assert.False(b.IsLeader, $"b took over after {(i + 1) * 2} s of silence");
        }
        var steps = 7;
        while (!b.IsLeader && steps < 9)
        {
            await StepAsync(b); // 16 s (or 18 s when b saw the last renewal one step late)
            steps++;
        }
        Assert.True(b.IsLeader, "b did not lead within one retry period of the lease's expiry");

        await b.StopAsync(CancellationToken.None);
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public async Task ALeaderThatCannotRenew_StepsDownAfterTheRenewDeadline_AndCancelsItsTerm()
    {
        var a = Replica("a");
        await a.StartAsync(CancellationToken.None);
        var term = await Wait.ForAsync(a.WaitForLeadershipAsync(CancellationToken.None), "a to lead");
        await Wait.UntilAsync(() => a.Attempts >= 1, "a's first renewal to be scheduled");

        _emulator.Faults.FailNextRequests(1000, 503, retryAfterSeconds: null); // the API server is unreachable for a
        for (var i = 0; i < 4; i++)
        {
            await StepAsync(a); // 2 … 8 s without a renewal: still within the 10 s deadline
            Assert.True(a.IsLeader, $"a stepped down after {(i + 1) * 2} s");
        }
        Assert.False(term.IsCancellationRequested);
        await StepAsync(a); // 10 s
        await Wait.UntilAsync(() => !a.IsLeader, "a to step down at the renew deadline");
        Assert.True(term.IsCancellationRequested);

        _emulator.Faults.Clear();
        await a.StopAsync(CancellationToken.None);
        a.Dispose();
    }

    [Fact]
    public async Task Release_WritesAnEmptyHolderStampedWithTheInjectedClock()
    {
        var a = Replica("a", release: true);
        await a.StartAsync(CancellationToken.None);
        await Wait.UntilAsync(() => a.IsLeader, "a to lead");
        _time.Advance(TimeSpan.FromMilliseconds(500)); // not a retry period: no renewal in between
        await a.StopAsync(CancellationToken.None);

        var lease = await _emulator.CreateClient().CoordinationV1.ReadNamespacedLeaseAsync("clock-test", "default");
        Assert.Equal("", lease.Spec.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseDurationSeconds);
        Assert.Equal(_time.GetUtcNow().UtcDateTime, lease.Spec.RenewTime!.Value.ToUniversalTime(), TimeSpan.FromMilliseconds(1));
        a.Dispose();
    }
}
