using KubeInformers.Hosting.Health;
using k8s.Models;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace KubeInformers.Hosting.Tests;

public class HealthCheckTests
{
    private static readonly HealthCheckContext Context = new();

    private static Exception WatchFailure() => new HttpRequestException("Connection refused (127.0.0.1:6443)");

    [Fact]
    public async Task Readiness_IsUnhealthyUntilEveryInformerHasSynced()
    {
        var a = new FakeInformer("deployments");
        var b = new FakeInformer("pods", "") { LastError = new KubernetesApiException(new V1Status { Code = 403, Reason = "Forbidden", Message = "no" }) };
        var check = new InformerReadinessHealthCheck(new FakeInformerSource(a, b));

        var before = await check.CheckHealthAsync(Context);
        Assert.Equal(HealthStatus.Unhealthy, before.Status);
        Assert.Contains("Waiting for 2 of 2", before.Description);
        Assert.Contains("403 Forbidden", before.Description);

        a.MarkSynced();
        var half = await check.CheckHealthAsync(Context);
        Assert.Equal(HealthStatus.Unhealthy, half.Status);
        Assert.Contains("pods/v1", half.Description);
        Assert.DoesNotContain("deployments", half.Description);

        b.MarkSynced();
        var after = await check.CheckHealthAsync(Context);
        Assert.Equal(HealthStatus.Healthy, after.Status);
        Assert.Equal("synced", after.Data["deployments.apps/v1"]);
    }

    [Fact]
    public async Task Readiness_WithNoInformers_IsUnhealthy()
    {
        var result = await new InformerReadinessHealthCheck(new FakeInformerSource()).CheckHealthAsync(Context);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
    }

    [Fact]
    public async Task Liveness_ToleratesAFailingWatchUntilTheThreshold_ThenFails_ThenRecovers()
    {
        var time = new FakeTimeProvider();
        var informer = new FakeInformer();
        informer.MarkSynced();
        var monitor = new InformerHealthMonitor(new FakeInformerSource(informer),
            new InformerLivenessOptions { FailureThreshold = TimeSpan.FromMinutes(5) }, time);
        var check = new InformerLivenessHealthCheck(monitor);

        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context)).Status);

        informer.LastError = WatchFailure();
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context)).Status); // first seen now
        time.Advance(TimeSpan.FromMinutes(4));
        informer.LastError = WatchFailure(); // a new failure, still no success in between
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context)).Status);
        time.Advance(TimeSpan.FromMinutes(1));
        var dead = await check.CheckHealthAsync(Context);
        Assert.Equal(HealthStatus.Unhealthy, dead.Status);
        Assert.Contains("deployments.apps/v1: list/watch failing for", dead.Description);
        Assert.Contains("Connection refused", dead.Description);

        informer.LastError = null; // a success
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context)).Status);
        informer.LastError = WatchFailure();
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context)).Status); // the clock starts again
    }

    [Fact]
    public async Task Liveness_SilenceThreshold_FailsAnInformerThatReceivedNothingForTooLong()
    {
        var time = new FakeTimeProvider();
        var informer = new FakeInformer { LastActivity = time.GetUtcNow() };
        informer.MarkSynced();
        var check = new InformerLivenessHealthCheck(new InformerHealthMonitor(new FakeInformerSource(informer),
            new InformerLivenessOptions { SilenceThreshold = TimeSpan.FromMinutes(10) }, time));

        time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context)).Status);
        time.Advance(TimeSpan.FromMinutes(1));
        var silent = await check.CheckHealthAsync(Context);
        Assert.Equal(HealthStatus.Unhealthy, silent.Status);
        Assert.Contains("nothing received for", silent.Description);

        informer.LastActivity = time.GetUtcNow();
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context)).Status);
    }

    [Fact]
    public async Task Liveness_IgnoresSilenceByDefault()
    {
        var time = new FakeTimeProvider();
        var informer = new FakeInformer { LastActivity = time.GetUtcNow() };
        var check = new InformerLivenessHealthCheck(new InformerHealthMonitor(new FakeInformerSource(informer), new InformerLivenessOptions(), time));
        time.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(Context)).Status);
    }

    [Fact]
    public async Task Liveness_StoppedInformer_IsUnhealthy()
    {
        var informer = new FakeInformer();
        informer.Stop();
        var check = new InformerLivenessHealthCheck(new InformerHealthMonitor(new FakeInformerSource(informer), new InformerLivenessOptions(), new FakeTimeProvider()));
        var result = await check.CheckHealthAsync(Context);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("stopped", result.Description);
    }
}
