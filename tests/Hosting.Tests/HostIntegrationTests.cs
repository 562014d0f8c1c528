using System.Net;
using System.Diagnostics.Metrics;
using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Hosting.Controllers;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeInformers.Hosting.Tests;

/// <summary>The whole hosting stack in a generic host against the emulator: real factory, informers and HTTP.</summary>
[Collection(MeterCollection.Name)] // reads the process-wide meter by resource (deployments.apps/v1)
public sealed class HostIntegrationTests : IAsyncLifetime
{
    private static readonly ResourceDescriptor Deployments = new("apps", "v1", "deployments", "Deployment", true);
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true);
    private KubernetesEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await KubernetesEmulator.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private IHost BuildHost(Action<KubeInformersOptions<SharedInformerFactory>>? configure = null,
        Action<KubeInformersBuilder<SharedInformerFactory>>? more = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        var kube = builder.Services.AddKubeInformers<SharedInformerFactory>(o =>
        {
            o.Client = _emulator.CreateClient();
            o.ConfigureFactory((f, _) => f.InformerFor<V1Deployment>(Deployments));
            configure?.Invoke(o);
        });
        more?.Invoke(kube);
        builder.Services.AddHealthChecks().AddKubeInformersChecks();
        return builder.Build();
    }

    private async Task SeedDeploymentsAsync(int count)
    {
        var client = _emulator.CreateClient();
        for (var i = 0; i < count; i++)
        {
            await client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
            {
                Metadata = new V1ObjectMeta { Name = "d" + i, NamespaceProperty = "default" },
                Spec = new V1DeploymentSpec
                {
                    Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "d" } },
                    Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "d" } }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }] } },
                },
            }, "default");
        }
    }

    private static async Task<HealthStatus> CheckAsync(IHost host, string tag)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(c => c.Tags.Contains(tag));
        return report.Status;
    }

    [Fact]
    public async Task StartAsync_ReturnsOnlyOnceEveryInformerHasSynced()
    {
        await SeedDeploymentsAsync(5);
        _emulator.Faults.Latency = TimeSpan.FromMilliseconds(300); // make the list take a while
        using var host = BuildHost(o => o.ConfigureFactory((f, _) => f.InformerFor<V1ConfigMap>(ConfigMaps)));

        await host.StartAsync();

        var factory = host.Services.GetRequiredService<SharedInformerFactory>();
        Assert.Equal(2, factory.Informers.Count);
        Assert.All(factory.Informers, i => Assert.True(i.HasSynced, i.Resource + " had not synced when StartAsync returned"));
        Assert.Equal(5, factory.InformerFor<V1Deployment>(Deployments).Lister.List().Count);
        Assert.True(host.Services.GetRequiredService<CacheSyncSignal>().IsSynced);
        _emulator.Faults.Latency = TimeSpan.Zero;
        await host.StopAsync();
    }

    [Fact]
    public async Task StartAsync_WhenTheListIsForbidden_FailsAfterTheTimeout_NamingTheInformerAndThe403()
    {
        _emulator.Faults.FailNextRequests(10_000, 403, retryAfterSeconds: null);
        using var host = BuildHost(o => o.SyncTimeout = TimeSpan.FromSeconds(2));

        var ex = await Assert.ThrowsAsync<InformerSyncException>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Contains("deployments.apps/v1 (V1Deployment)", ex.Message);
        Assert.Contains("403", ex.Message);
        Assert.Contains("Forbidden", ex.Message);
        Assert.Contains("timed out after 00:00:02", ex.Message);
        var unsynced = Assert.Single(ex.Unsynced);
        Assert.Equal(HttpStatusCode.Forbidden, Assert.IsType<KubernetesApiException>(unsynced.LastError).StatusCode);
        _emulator.Faults.Clear();
    }

    [Fact]
    public async Task Readiness_TurnsHealthyWhenSynced_LivenessFailsWhileTheWatchKeepsFailing_AndRecovers()
    {
        await SeedDeploymentsAsync(2);
        using var host = BuildHost(o =>
        {
            o.Liveness.FailureThreshold = TimeSpan.FromSeconds(1);
            o.Liveness.SampleInterval = TimeSpan.FromMilliseconds(100);
            o.Factory.Reflector = new ReflectorOptions { InitialBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromMilliseconds(400) };
        });
        Assert.Equal(HealthStatus.Unhealthy, await CheckAsync(host, "ready")); // nothing started yet

        await host.StartAsync();
        Assert.Equal(HealthStatus.Healthy, await CheckAsync(host, "ready"));
        Assert.Equal(HealthStatus.Healthy, await CheckAsync(host, "live"));

        // The API server goes away for the informer: every request fails, open watches are cut.
        _emulator.Faults.FailNextRequests(100_000, 503, retryAfterSeconds: null);
        _emulator.Faults.ResetWatches();
        var informer = host.Services.GetRequiredService<SharedInformerFactory>().Informers.Single();
        await Wait.UntilAsync(() => informer.LastError is not null, "the informer to report a failure");
        await Wait.UntilAsync(() => CheckAsync(host, "live").Result == HealthStatus.Unhealthy, "liveness to fail");
        Assert.Equal(HealthStatus.Healthy, await CheckAsync(host, "ready")); // the cache is still there, only stale

        _emulator.Faults.Clear();
        await Wait.UntilAsync(() => CheckAsync(host, "live").Result == HealthStatus.Healthy, "liveness to recover");
        await host.StopAsync();
    }

    [Fact]
    public async Task Metrics_ReportCacheSizeSyncStateAndNotifications_OnTheKubeInformersMeter()
    {
        await SeedDeploymentsAsync(3);
        using var host = BuildHost();
        using var size = new MeterCollector<int>(KubeInformersInstruments.CacheSize, "resource", "deployments.apps/v1");
        using var notifications = new MeterCollector<long>(KubeInformersInstruments.Notifications, "resource", "deployments.apps/v1");

        await host.StartAsync();
        await Wait.UntilAsync(() => notifications.Snapshot().Count(m => (string?)m.Tags["type"] == "add") == 3, "three add notifications");
        size.RecordObservableInstruments();

        Assert.Equal(3, Assert.Single(size.Snapshot()).Value);
        Assert.All(notifications.Snapshot(), m => Assert.Equal(true, m.Tags["initial_list"]));

        await _emulator.CreateClient().AppsV1.DeleteNamespacedDeploymentAsync("d0", "default");
        await Wait.UntilAsync(() => notifications.Snapshot().Any(m => (string?)m.Tags["type"] == "delete"), "a delete notification");
        await host.StopAsync();
    }

    [Fact]
    public async Task AController_ReconcilesEveryKeyOfItsInformer_OnlyAfterTheCacheHasSynced()
    {
        await SeedDeploymentsAsync(4);
        var reconciled = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        SharedInformerFactory? factoryRef = null;
        var sawUnsynced = false;
        using var host = BuildHost(more: k => k.AddController("deployments",
            sp =>
            {
                factoryRef = sp.GetRequiredService<SharedInformerFactory>();
                return new DelegateReconciler<string>((key, _) =>
                {
                    sawUnsynced |= !factoryRef.Informers.All(i => i.HasSynced);
                    reconciled.AddOrUpdate(key, 1, (_, n) => n + 1);
                    return Task.FromResult(ReconcileResult.Done);
                });
            },
            (f, c) => c.Watch(f.InformerFor<V1Deployment>(Deployments))));

        await host.StartAsync();
        await Wait.UntilAsync(() => reconciled.Count == 4, "every Deployment to be reconciled");
        await _emulator.CreateClient().AppsV1.DeleteNamespacedDeploymentAsync("d1", "default");
        await Wait.UntilAsync(() => reconciled["default/d1"] == 2, "the deletion to be reconciled");
        await host.StopAsync();

        Assert.Equal(["default/d0", "default/d1", "default/d2", "default/d3"], reconciled.Keys.Order());
        Assert.False(sawUnsynced);
        using var pending = new MeterCollector<int>(KubeInformersInstruments.HandlerPending, "handler", "deployments");
        pending.RecordObservableInstruments();
        Assert.Contains(pending.Snapshot(), m => (string?)m.Tags["resource"] == "deployments.apps/v1" && m.Value == 0);
    }
}
