using k8s.Models;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Hosting.Tests;

public class InformerSyncTests
{
    private static KubernetesApiException Forbidden() => new(new V1Status
    {
        Code = 403,
        Reason = "Forbidden",
        Message = "deployments.apps is forbidden: User \"system:serviceaccount:default:app\" cannot list resource \"deployments\"",
    });

    [Fact]
    public async Task WaitForSync_CompletesOnlyAfterEveryInformerHasSynced()
    {
        var a = new FakeInformer("deployments");
        var b = new FakeInformer("pods", "");
        var wait = InformerSync.WaitForSyncAsync([a, b], TimeSpan.FromMinutes(1), new FakeTimeProvider());

        a.MarkSynced();
        await Task.Yield();
        Assert.False(wait.IsCompleted);

        b.MarkSynced();
        await Wait.ForAsync(wait, "sync of both informers");
    }

    [Fact]
    public async Task WaitForSync_TimesOut_NamingTheUnsyncedInformerAndItsLastError()
    {
        var time = new FakeTimeProvider();
        var synced = new FakeInformer("pods", "");
        synced.MarkSynced();
        var failing = new FakeInformer("deployments") { LastError = Forbidden() };
        var wait = InformerSync.WaitForSyncAsync([synced, failing], TimeSpan.FromSeconds(30), time);

        time.Advance(TimeSpan.FromSeconds(29));
        Assert.False(wait.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));

        var ex = await Assert.ThrowsAsync<InformerSyncException>(() => Wait.ForAsync(wait, "the timeout"));
        Assert.Contains("1 of 2 informer(s) did not sync", ex.Message);
        Assert.Contains("timed out after 00:00:30", ex.Message);
        Assert.Contains("deployments.apps/v1", ex.Message);
        Assert.Contains("403 Forbidden", ex.Message);
        Assert.DoesNotContain("pods/v1", ex.Message);
        var unsynced = Assert.Single(ex.Unsynced);
        Assert.Same(failing.LastError, unsynced.LastError);
    }

    [Fact]
    public async Task WaitForSync_InformerWithoutError_SaysNoListCompleted()
    {
        var time = new FakeTimeProvider();
        var wait = InformerSync.WaitForSyncAsync([new FakeInformer("configmaps", "")], TimeSpan.FromSeconds(5), time);
        time.Advance(TimeSpan.FromSeconds(5));
        var ex = await Assert.ThrowsAsync<InformerSyncException>(() => Wait.ForAsync(wait, "the timeout"));
        Assert.Contains("configmaps/v1", ex.Message);
        Assert.Contains("no list has completed yet", ex.Message);
    }

    [Fact]
    public async Task WaitForSync_InformerStoppedBeforeSync_FailsBeforeTheTimeout()
    {
        var stopped = new FakeInformer("deployments") { LastError = Forbidden() };
        var wait = InformerSync.WaitForSyncAsync([stopped, new FakeInformer("pods", "")], TimeSpan.FromHours(1), new FakeTimeProvider());
        stopped.Stop();
        var ex = await Assert.ThrowsAsync<InformerSyncException>(() => Wait.ForAsync(wait, "the failure"));
        Assert.Contains("stopped before it synced", ex.Message);
        Assert.Contains("deployments.apps/v1 (V1Deployment) stopped", ex.Message);
        Assert.Equal(2, ex.Unsynced.Count);
    }

    [Fact]
    public async Task WaitForSync_CallerCancellation_ThrowsOperationCanceled()
    {
        using var cts = new CancellationTokenSource();
        var wait = InformerSync.WaitForSyncAsync([new FakeInformer()], TimeSpan.FromHours(1), new FakeTimeProvider(), cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.ForAsync(wait, "cancellation"));
    }
}
