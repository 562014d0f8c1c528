using System.Net;
using System.Text.Json;
using CronTabController;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Hosting.Controllers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KubeInformers.Samples.Tests;

/// <summary>
/// The CronTab controller on the embedded emulator, one test per behaviour the sample claims: the owned ConfigMap, the
/// finalizer, the status condition with observedGeneration, Events, restoring a deleted child, the finalizer's cleanup on
/// delete, a name conflict, the peers reconciled through Watches, leader election and the endpoints.
/// </summary>
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

    private async Task<IList<Eventsv1Event>> EventsAsync(string reason) =>
        (await _client.EventsV1.ListNamespacedEventAsync("default")).Items.Where(e => e.Reason == reason).ToList();

    private static V1Condition? Ready(CronTab cronTab) => Conditions.Find(cronTab.Status?.Conditions, "Ready");

    private static bool IsReady(CronTab cronTab) => Ready(cronTab) is { Status: "True" } ready
        && ready.ObservedGeneration == cronTab.Metadata.Generation && cronTab.Status!.ObservedGeneration == cronTab.Metadata.Generation;

    private async Task<WebApplication> StartAsync(string identity)
    {
        var app = ControllerApp.Build(["--port", "0", "--identity", identity], _client);
        await app.StartAsync(); // returns once the caches have synced
        return app;
    }

    [Fact]
    public async Task ReconcileCreatesTheOwnedConfigMap_WithFinalizerStatusConditionAndEvent_AndFollowsSpecChanges()
    {
        await CronTabCrd.CreateAsync(_client, "default", "backup", "0 3 * * *", "backup:1", 1);
        await using var app = await StartAsync("test-replica");

        await Wait.UntilAsync(async () => IsReady(await CronTabAsync("backup")), "backup to report Ready for generation 1");
        var backup = await CronTabAsync("backup");
        Assert.Contains(CronTabReconciler.FinalizerName, backup.Metadata.Finalizers);
        Assert.Equal(("ConfigMapReady", 1L), (Ready(backup)!.Reason, backup.Status!.ObservedGeneration));
        Assert.Equal("backup-crontab", backup.Status.ConfigMapName);
        var configMap = await ConfigMapAsync("backup-crontab");
        Assert.NotNull(configMap);
        Assert.Equal(("0 3 * * *", "backup:1", "1"), (configMap.Data["schedule"], configMap.Data["image"], configMap.Data["replicas"]));
        var owner = Assert.Single(configMap.Metadata.OwnerReferences);
        Assert.Equal(("CronTab", "backup", backup.Metadata.Uid, true), (owner.Kind, owner.Name, owner.Uid, owner.Controller == true));
        await Wait.UntilAsync(async () => (await EventsAsync("ConfigMapCreated")).Any(e => e.Regarding.Uid == backup.Metadata.Uid
            && e.ReportingController == "stable.example.com/crontab-controller"), "the ConfigMapCreated event");

        // A spec change (generation 2) reaches the ConfigMap, the status and the condition.
        await _client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"image":"backup:2"}}""", V1Patch.PatchType.MergePatch),
            CronTab.Group, CronTab.Version, "default", CronTab.Plural, "backup");
        await Wait.UntilAsync(async () => (await ConfigMapAsync("backup-crontab"))?.Data["image"] == "backup:2", "the ConfigMap to follow the new image");
        await Wait.UntilAsync(async () => await CronTabAsync("backup") is { Metadata.Generation: 2 } b && IsReady(b), "status and condition for generation 2");
        Assert.NotEmpty(await EventsAsync("ConfigMapUpdated"));
        await app.StopAsync();
    }

    [Fact]
    public async Task DeletingTheOwnedConfigMap_ReconcilesItsCronTab_WhichRestoresIt()
    {
        await CronTabCrd.CreateAsync(_client, "default", "report", "0 3 * * *", "report:1", 2);
        await using var app = await StartAsync("test-replica");
        await Wait.UntilAsync(async () => IsReady(await CronTabAsync("report")), "report to report Ready");
        var first = await ConfigMapAsync("report-crontab");

        await _client.CoreV1.DeleteNamespacedConfigMapAsync("report-crontab", "default");
        await Wait.UntilAsync(async () => await ConfigMapAsync("report-crontab") is { } again && again.Metadata.Uid != first!.Metadata.Uid,
            "the deleted ConfigMap to be re-created");
        Assert.Equal("report:1", (await ConfigMapAsync("report-crontab"))!.Data["image"]);
        // Created, then restored: the second ConfigMapCreated joins the first as an EventSeries of 2.
        await Wait.UntilAsync(async () => (await EventsAsync("ConfigMapCreated")).Sum(e => e.Series?.Count ?? 1) == 2, "two ConfigMapCreated events");
        await app.StopAsync();
    }

    [Fact]
    public async Task DeletingACronTab_RunsTheFinalizersCleanup_ThenRemovesTheFinalizer()
    {
        await CronTabCrd.CreateAsync(_client, "default", "backup", "0 3 * * *", "backup:1", 1);
        await using var app = await StartAsync("test-replica");
        await Wait.UntilAsync(async () => IsReady(await CronTabAsync("backup")), "backup to report Ready");
        var uid = (await CronTabAsync("backup")).Metadata.Uid;

        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(CronTab.Group, CronTab.Version, "default", CronTab.Plural, "backup");
        // The cleanup deleted the ConfigMap and said so; removing the finalizer let the deletion complete.
        await Wait.UntilAsync(async () => (await EventsAsync("ConfigMapDeleted")).Any(e => e.Regarding.Uid == uid), "the ConfigMapDeleted event");
        await Wait.UntilAsync(async () => await ConfigMapAsync("backup-crontab") is null, "the ConfigMap to be deleted");
        await Wait.UntilAsync(async () => (await CronTabListAsync()).All(c => c.Metadata.Name != "backup"), "the CronTab to be gone");
        await app.StopAsync();
    }

    [Fact]
    public async Task AConfigMapOfThatNameOwnedBySomeoneElse_IsLeftAlone_AndReportedAsReadyFalseWithAWarning()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = "taken-crontab", NamespaceProperty = "default" },
            Data = new Dictionary<string, string> { ["mine"] = "yes" },
        }, "default");
        await CronTabCrd.CreateAsync(_client, "default", "taken", "0 3 * * *", "taken:1", 1);
        await using var app = await StartAsync("test-replica");

        await Wait.UntilAsync(async () => Ready(await CronTabAsync("taken")) is { Status: "False", Reason: "ConfigMapExists" }, "Ready=False ConfigMapExists");
        await Wait.UntilAsync(async () => (await EventsAsync("ConfigMapExists")).Any(e => e.Type == "Warning"), "the ConfigMapExists warning");
        await _client.CustomObjects.DeleteNamespacedCustomObjectAsync(CronTab.Group, CronTab.Version, "default", CronTab.Plural, "taken");
        await Wait.UntilAsync(async () => (await CronTabListAsync()).Count == 0, "the CronTab to be gone");
        Assert.Equal("yes", (await ConfigMapAsync("taken-crontab"))!.Data["mine"]); // the cleanup deletes only what the CronTab controls
        await app.StopAsync();
    }

    [Fact]
    public async Task SameScheduleCount_ComesFromTheTypedIndex_AndWatchesReconcilesThePeersWhenOneArrivesOrLeaves()
    {
        await CronTabCrd.CreateAsync(_client, "default", "a", "0 3 * * *", "a:1", 1);
        await CronTabCrd.CreateAsync(_client, "default", "b", "0 3 * * *", "b:1", 1);
        await CronTabCrd.CreateAsync(_client, "default", "other", "*/5 * * * *", "other:1", 1);
        await using var app = await StartAsync("test-replica");
        async Task<bool> Counts(int a, int other) =>
            (await CronTabAsync("a")).Status?.SameScheduleCount == a && (await CronTabAsync("other")).Status?.SameScheduleCount == other;
        await Wait.UntilAsync(() => Counts(2, 1), "a: 2 share its schedule, other: 1");

        // "c" arrives with a's schedule: a's own spec did not change, yet Watches reconciles it through the mapping.
        await CronTabCrd.CreateAsync(_client, "default", "c", "0 3 * * *", "c:1", 1);
        await Wait.UntilAsync(() => Counts(3, 1), "a: 3 share its schedule");
        // "b" moves to other's schedule: the peers of its old and its new schedule are reconciled.
        await _client.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch("""{"spec":{"cronSpec":"*/5 * * * *"}}""", V1Patch.PatchType.MergePatch),
            CronTab.Group, CronTab.Version, "default", CronTab.Plural, "b");
        await Wait.UntilAsync(() => Counts(2, 2), "a: 2, other: 2 after b moved");
        await app.StopAsync();
    }

    private async Task<List<CronTab>> CronTabListAsync()
    {
        var list = await _client.CustomObjects.ListNamespacedCustomObjectAsync(CronTab.Group, CronTab.Version, "default", CronTab.Plural);
        return JsonSerializer.SerializeToElement(list).GetProperty("items").EnumerateArray()
            .Select(i => KubernetesJson.Deserialize<CronTab>(i.GetRawText())).ToList();
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
            return items.Count == 3 && items.All(IsReady);
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
        await Wait.UntilAsync(async () => IsReady(await CronTabAsync("early")), "replica-1 to reconcile a new CronTab");
        Assert.Equal(0, Volatile.Read(ref secondWrites));

        await first.StopAsync(); // releases the lease
        await Wait.UntilAsync(() => Task.FromResult(secondLeadership.IsLeader), "replica-2 to take over");
        await CronTabCrd.CreateAsync(_client, "default", "late", "*/1 * * * *", "late:1", 1);
        await Wait.UntilAsync(async () => IsReady(await CronTabAsync("late")), "replica-2 to reconcile a new CronTab");
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
