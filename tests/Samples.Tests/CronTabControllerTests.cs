using System.Net;
using System.Text.Json;
using CronTabController;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KubeInformers.Samples.Tests;

/// <summary>The CronTab controller's main path against the emulator: the generic host, generated informers, the controller and its endpoints.</summary>
public sealed class CronTabControllerTests : IAsyncLifetime
{
    private KubernetesEmulator _emulator = null!;
    private IKubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await KubernetesEmulator.StartAsync();
        _client = _emulator.CreateClient();
        await CronTabCrd.EnsureAsync(_client);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    private async Task<V1ConfigMap?> ConfigMapAsync(string name)
    {
        try
        {
            return await _client.CoreV1.ReadNamespacedConfigMapAsync(name, "default");
        }
        catch (HttpOperationException ex) when (ex.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private async Task<CronTab> CronTabAsync(string name)
    {
        var obj = await _client.CustomObjects.GetNamespacedCustomObjectAsync(CronTab.Group, CronTab.Version, "default", CronTab.Plural, name);
        return KubernetesJson.Deserialize<CronTab>(JsonSerializer.Serialize(obj));
    }

    [Fact]
    public async Task ReconcilesCronTabsIntoOwnedConfigMaps_WritesStatus_AndFollowsChangesAndDeletes()
    {
        await CronTabCrd.CreateAsync(_client, "default", "backup", "0 3 * * *", "backup:1", 1);
        await CronTabCrd.CreateAsync(_client, "default", "report", "0 3 * * *", "report:1", 2);
        await using var app = ControllerApp.Build(["--port", "0", "--identity", "test-replica"], _client);
        await app.StartAsync(); // returns once the caches have synced

        // Each CronTab gets a ConfigMap it owns, and a status that used the typed index.
        await Wait.UntilAsync(async () => (await CronTabAsync("report")).Status?.Phase == "Ready"
            && (await CronTabAsync("backup")).Status?.Phase == "Ready", "both CronTabs to report Ready");
        var backup = await CronTabAsync("backup");
        var configMap = await ConfigMapAsync("backup-crontab");
        Assert.NotNull(configMap);
        Assert.Equal("0 3 * * *", configMap.Data["schedule"]);
        Assert.Equal("backup:1", configMap.Data["image"]);
        var owner = Assert.Single(configMap.Metadata.OwnerReferences);
        Assert.Equal(("CronTab", "backup", backup.Metadata.Uid, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller == true));
        Assert.Equal("backup-crontab", backup.Status!.ConfigMapName);
        Assert.Equal(backup.Metadata.Generation, backup.Status.ObservedGeneration);
        Assert.Equal(2, backup.Status.SameScheduleCount);

        // A spec change reaches the ConfigMap.
        await _client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"image":"backup:2"}}""", V1Patch.PatchType.MergePatch),
            CronTab.Group, CronTab.Version, "default", CronTab.Plural, "backup");
        await Wait.UntilAsync(async () => (await ConfigMapAsync("backup-crontab"))?.Data["image"] == "backup:2", "the ConfigMap to follow the new image");

        // Someone deletes the owned ConfigMap: the owner is reconciled and it comes back.
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("report-crontab", "default");
        await Wait.UntilAsync(async () => await ConfigMapAsync("report-crontab") is not null, "the deleted ConfigMap to be re-created");

        // The CronTab goes away: so does its ConfigMap.
        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(CronTab.Group, CronTab.Version, "default", CronTab.Plural, "backup");
        await Wait.UntilAsync(async () => await ConfigMapAsync("backup-crontab") is null, "the ConfigMap of the deleted CronTab to go");

        await app.StopAsync();
    }

    [Fact]
    public async Task MainPath_OnTheEmbeddedEmulator_CreatesTheCrdAndReconcilesTheDemoCronTabs_ThenStopsCleanly()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var clientReady = new TaskCompletionSource<IKubernetes>(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = ControllerApp.RunAsync(["--emulator", "--port", "0"], cts.Token, clientReady.SetResult);
        var client = await clientReady.Task.WaitAsync(TimeSpan.FromSeconds(60));

        async Task<bool> AllReady()
        {
            var list = await client.CustomObjects.ListNamespacedCustomObjectAsync(CronTab.Group, CronTab.Version, "default", CronTab.Plural);
            var items = JsonSerializer.SerializeToElement(list).GetProperty("items").EnumerateArray()
                .Select(i => KubernetesJson.Deserialize<CronTab>(i.GetRawText())).ToList();
            return items.Count == 3 && items.All(c => c.Status?.Phase == "Ready");
        }
        await Wait.UntilAsync(AllReady, "the three demo CronTabs to be reconciled");
        var configMaps = await client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "app.kubernetes.io/managed-by=crontab-controller");
        Assert.Equal(["cleanup-crontab", "nightly-backup-crontab", "report-crontab"], configMaps.Items.Select(c => c.Metadata.Name).Order());

        await cts.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task TwoReplicas_OnlyTheLeaseHolderReconciles_AndTheOtherTakesOverWhenItStops()
    {
        await using var first = ControllerApp.Build(["--port", "0", "--identity", "replica-1"], _client);
        await first.StartAsync();
        var firstLeadership = first.Services.GetRequiredService<KubeInformers.Hosting.LeaderElection.ILeadership>();
        await Wait.UntilAsync(() => Task.FromResult(firstLeadership.IsLeader), "replica-1 to lead");

        // Count replica-2's reconciles by what they write: its own client counts its requests that change CronTabs or
        // ConfigMaps (the meter is process-wide, so its reconcile histogram cannot tell the replicas apart).
        var secondWrites = 0;
        var secondClient = new Kubernetes(_emulator.CreateClientConfiguration(), new WriteCounter(() => Interlocked.Increment(ref secondWrites)));
        await using var second = ControllerApp.Build(["--port", "0", "--identity", "replica-2"], secondClient);
        await second.StartAsync(); // its caches are warm and it is ready, but it does not reconcile
        var secondLeadership = second.Services.GetRequiredService<KubeInformers.Hosting.LeaderElection.ILeadership>();
        await Wait.UntilAsync(() => Task.FromResult(secondLeadership.CurrentLeader == "replica-1"), "replica-2 to see replica-1 lead");
        Assert.False(secondLeadership.IsLeader);

        // A change both replicas' informers see is reconciled by the leader alone.
        await CronTabCrd.CreateAsync(_client, "default", "early", "*/2 * * * *", "early:1", 1);
        await Wait.UntilAsync(async () => (await CronTabAsync("early")).Status?.Phase == "Ready", "replica-1 to reconcile a new CronTab");
        Assert.Equal(0, Volatile.Read(ref secondWrites));

        await first.StopAsync(); // releases the lease
        await Wait.UntilAsync(() => Task.FromResult(secondLeadership.IsLeader), "replica-2 to take over");
        await CronTabCrd.CreateAsync(_client, "default", "late", "*/1 * * * *", "late:1", 1);
        await Wait.UntilAsync(async () => (await CronTabAsync("late")).Status?.Phase == "Ready", "replica-2 to reconcile a new CronTab");
        Assert.True(Volatile.Read(ref secondWrites) > 0);

        await second.StopAsync();
    }

    [Fact]
    public async Task ServesReadinessLivenessAndLeaderEndpoints()
    {
        await using var app = ControllerApp.Build(["--port", "0", "--identity", "endpoint-replica"], _client);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };

        var ready = await http.GetAsync("/healthz/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/healthz/live")).StatusCode);
        await Wait.UntilAsync(async () => (await http.GetStringAsync("/leader")).Contains("\"isLeader\":true"), "this replica to lead");
        Assert.Contains("\"identity\":\"endpoint-replica\"", await http.GetStringAsync("/leader"));

        await app.StopAsync();
    }

    /// <summary>Calls <c>onWrite</c> for every request that is not a read and targets CronTabs or ConfigMaps.</summary>
    private sealed class WriteCounter(Action onWrite) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri?.AbsolutePath ?? "";
            if (request.Method != HttpMethod.Get && (path.Contains("/crontabs", StringComparison.Ordinal) || path.Contains("/configmaps", StringComparison.Ordinal)))
            {
                onWrite();
            }
            return base.SendAsync(request, cancellationToken);
        }
    }
}
