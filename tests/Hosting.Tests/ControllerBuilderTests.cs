using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Hosting.Controllers;
using KubeInformers.Hosting.Metrics;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace KubeInformers.Hosting.Tests;

/// <summary>
/// <see cref="ControllerBuilder{TPrimary}"/> on the emulator: Deployments are the primary, ConfigMaps the owned children.
/// One worker reconciles keys in queue order, so a sentinel key enqueued after the change under test proves by its arrival
/// that anything the change would have enqueued has been reconciled already.
/// </summary>
public sealed class ControllerBuilderTests : EmulatorTestBase
{
    private static readonly ResourceDescriptor Deployments = new("apps", "v1", "deployments", "Deployment", true);
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", true);
    private SharedInformerFactory _factory = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _factory = new SharedInformerFactory(Client);
    }

    public override async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await base.DisposeAsync();
    }

    private sealed class Recorder : IObjectReconciler<V1Deployment>
    {
        public ConcurrentQueue<(string Key, bool Gone, string[] Owned)> Calls { get; } = new();
        public Func<ReconcileContext<V1Deployment>, ReconcileResult>? Then { get; set; }
        public bool ListOwned { get; set; } = true;

        public Task<ReconcileResult> ReconcileAsync(ReconcileContext<V1Deployment> context, CancellationToken cancellationToken)
        {
            var owned = ListOwned ? context.Owned<V1ConfigMap>().Select(c => c.Metadata.Name).Order().ToArray() : [];
            Calls.Enqueue((context.Key, context.IsGone, owned));
            return Task.FromResult(Then?.Invoke(context) ?? ReconcileResult.Done);
        }

        public string[] Keys => Calls.Select(c => c.Key).ToArray();
    }

    private async Task<V1Deployment> CreateDeploymentAsync(string name, int replicas = 1) =>
        await Client.AppsV1.CreateNamespacedDeploymentAsync(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "default" },
            Spec = new V1DeploymentSpec
            {
                Replicas = replicas,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
                Template = new V1PodTemplateSpec { Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } }, Spec = new V1PodSpec { Containers = [new V1Container { Name = "c", Image = "nginx" }] } },
            },
        }, "default");

    private async Task<V1ConfigMap> CreateConfigMapAsync(string name, V1Deployment? owner, bool controller = true, string kind = "Deployment", string apiVersion = "apps/v1") =>
        await Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = "default",
                OwnerReferences = owner is null ? null :
                [
                    new V1OwnerReference { ApiVersion = apiVersion, Kind = kind, Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, Controller = controller },
                ],
            },
            Data = new Dictionary<string, string> { ["v"] = "0" },
        }, "default");

    private async Task TouchConfigMapAsync(string name, string value)
    {
        var patch = new V1Patch("{\"data\":{\"v\":\"" + value + "\"}}", V1Patch.PatchType.MergePatch);
        await Client.CoreV1.PatchNamespacedConfigMapAsync(patch, name, "default");
    }

    private async Task<(ControllerBuilder<V1Deployment> Builder, Task Run, CancellationTokenSource Stop)> StartAsync(Recorder recorder,
        Action<ControllerBuilder<V1Deployment>> sources, KubeInformersMetrics? metrics = null)
    {
        var builder = new ControllerBuilder<V1Deployment>("builder-test", recorder, new ControllerOptions<string>
        {
            Workers = 1,
            RateLimiter = WorkQueueRateLimiters.ItemExponential<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(50)),
        }, metrics: metrics);
        sources(builder);
        _factory.Start();
        await _factory.WaitForCacheSyncAsync(new CancellationTokenSource(Wait.Default).Token);
        var stop = new CancellationTokenSource();
        return (builder, builder.Controller.RunAsync(stop.Token), stop);
    }

    [Fact]
    public async Task Owns_AChangeToAnOwnedObjectReconcilesOnlyItsControllingOwner()
    {
        var a = await CreateDeploymentAsync("a");
        var b = await CreateDeploymentAsync("b");
        var sentinel = await CreateDeploymentAsync("sentinel");
        await CreateConfigMapAsync("a-config", a);
        await CreateConfigMapAsync("b-config", b);
        await CreateConfigMapAsync("b-not-controller", b, controller: false);      // owner, but not the controller
        await CreateConfigMapAsync("b-other-kind", b, kind: "StatefulSet");         // same name and uid, another kind
        await CreateConfigMapAsync("b-other-group", b, apiVersion: "example.com/v1"); // same kind, another group
        await CreateConfigMapAsync("sentinel-config", sentinel);
        var recorder = new Recorder();
        var (builder, run, stop) = await StartAsync(recorder, b => b
            .For(_factory.InformerFor<V1Deployment>(Deployments))
            .Owns(_factory.InformerFor<V1ConfigMap>(ConfigMaps)));
        // Every initial add of both informers has been delivered (so every initial key queued) before the queue drains.
        await Wait.UntilAsync(() => builder.Controller.HandlersSynced && recorder.Keys.Contains("default/sentinel") && builder.Controller.Queue.Count == 0,
            "the initial reconciles");
        recorder.Calls.Clear();

        await TouchConfigMapAsync("a-config", "1");
        await TouchConfigMapAsync("b-not-controller", "1");
        await TouchConfigMapAsync("b-other-kind", "1");
        await TouchConfigMapAsync("b-other-group", "1");
        await TouchConfigMapAsync("sentinel-config", "1");
        await Wait.UntilAsync(() => recorder.Keys.Contains("default/sentinel"), "the sentinel's reconcile");

        Assert.Equal(["default/a", "default/sentinel"], recorder.Keys);
        // The context lists what the owner controls through the owner index: only the controller references of its kind.
        Assert.Equal(["a-config"], recorder.Calls.First().Owned);
        stop.Cancel();
        await Wait.ForAsync(run, "the workers");
    }

    [Fact]
    public async Task HandlersSynced_IsFalseBeforeTheInformersStartAndTrueOnceEveryInitialAddWasDelivered()
    {
        var a = await CreateDeploymentAsync("a");
        await CreateConfigMapAsync("a-config", a);
        var recorder = new Recorder();
        var builder = new ControllerBuilder<V1Deployment>("handlers-synced", recorder)
            .For(_factory.InformerFor<V1Deployment>(Deployments))
            .Owns(_factory.InformerFor<V1ConfigMap>(ConfigMaps));

        Assert.False(builder.Controller.HandlersSynced);
        _factory.Start();
        await Wait.UntilAsync(() => builder.Controller.HandlersSynced, "the handlers to sync");

        Assert.True(_factory.InformerFor<V1Deployment>(Deployments).HasSynced);
        Assert.True(_factory.InformerFor<V1ConfigMap>(ConfigMaps).HasSynced);
        Assert.Equal(1, builder.Controller.Queue.Count); // "default/a", queued by both informers' initial adds, once
    }

    [Fact]
    public async Task Owned_ListsTheChildrenByControllerUid_AndTheIndexIsOnTheChildInformer()
    {
        var a = await CreateDeploymentAsync("a");
        await CreateConfigMapAsync("a-1", a);
        await CreateConfigMapAsync("a-2", a);
        await CreateConfigMapAsync("loose", null);
        var recorder = new Recorder();
        var configMaps = _factory.InformerFor<V1ConfigMap>(ConfigMaps);
        var (_, run, stop) = await StartAsync(recorder, b => b.For(_factory.InformerFor<V1Deployment>(Deployments)).Owns(configMaps));
        await Wait.UntilAsync(() => recorder.Calls.Any(c => c.Owned.Length == 2), "a reconcile that sees both children");

        Assert.Equal(["a-1", "a-2"], recorder.Calls.Last().Owned);
        Assert.Equal(["a-1", "a-2"], configMaps.Indexer.ByIndex(OwnerIndex.ByControllerUid, a.Metadata.Uid).Select(c => c.Metadata.Name).Order());
        stop.Cancel();
        await Wait.ForAsync(run, "the workers");
    }

    [Fact]
    public async Task For_WithGenerationChanged_IgnoresStatusWritesAndReconcilesSpecChanges()
    {
        var a = await CreateDeploymentAsync("a");
        var sentinel = await CreateDeploymentAsync("sentinel");
        var recorder = new Recorder { ListOwned = false };
        var deployments = _factory.InformerFor<V1Deployment>(Deployments);
        var configMaps = _factory.InformerFor<V1ConfigMap>(ConfigMaps);
        var (builder, run, stop) = await StartAsync(recorder, b => b
            .For(deployments, ChangePredicates.GenerationChanged<V1Deployment>())
            .Watches(configMaps, cm => cm.Metadata.Name == "poke" ? ["default/sentinel"] : []));
        await Wait.UntilAsync(() => recorder.Keys.Length == 2 && builder.Controller.Queue.Count == 0, "the initial reconciles");
        recorder.Calls.Clear();

        // A status-only write changes the resourceVersion but not the generation: filtered out.
        var current = await Client.AppsV1.ReadNamespacedDeploymentAsync("a", "default");
        current.Status = new V1DeploymentStatus { ObservedGeneration = current.Metadata.Generation, Replicas = 1 };
        var afterStatus = await Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(current, "a", "default");
        Assert.Equal(a.Metadata.Generation, afterStatus.Metadata.Generation);
        await Wait.UntilAsync(() => deployments.Lister.Get("default", "a")?.Metadata.ResourceVersion == afterStatus.Metadata.ResourceVersion, "the cache to see the status write");
        await CreateConfigMapAsync("poke", null); // mapped to the sentinel, after the status write
        await Wait.UntilAsync(() => recorder.Keys.Contains("default/sentinel"), "the mapped sentinel");
        Assert.Equal(["default/sentinel"], recorder.Keys);

        // A spec change bumps the generation: reconciled.
        await Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "a", "default");
        await Wait.UntilAsync(() => recorder.Keys.Contains("default/a"), "the spec change");
        stop.Cancel();
        await Wait.ForAsync(run, "the workers");
        _ = sentinel;
    }

    [Fact]
    public async Task Reconcile_SeesTheObjectGoneAfterItsDeletion()
    {
        await CreateDeploymentAsync("a");
        var recorder = new Recorder { ListOwned = false };
        var (builder, run, stop) = await StartAsync(recorder, b => b.For(_factory.InformerFor<V1Deployment>(Deployments)));
        await Wait.UntilAsync(() => recorder.Calls.Any(c => c.Key == "default/a" && !c.Gone), "the reconcile of the live object");

        await Client.AppsV1.DeleteNamespacedDeploymentAsync("a", "default");
        await Wait.UntilAsync(() => recorder.Calls.Any(c => c.Key == "default/a" && c.Gone), "the reconcile that sees it gone");
        stop.Cancel();
        await Wait.ForAsync(run, "the workers");
        _ = builder;
    }

    [Fact]
    public async Task AReconcileThatThrows_IsCountedAndRetried()
    {
        await CreateDeploymentAsync("a");
        using var metrics = new KubeInformersMetrics(new FakeInformerSource());
        using var errors = new MeterCollector<long>(KubeInformersInstruments.ReconcileErrors, "controller", "builder-test");
        var calls = 0;
        var recorder = new Recorder
        {
            ListOwned = false,
            Then = _ => Interlocked.Increment(ref calls) <= 2 ? throw new TimeoutException("flaky") : ReconcileResult.Done,
        };
        var (_, run, stop) = await StartAsync(recorder, b => b.For(_factory.InformerFor<V1Deployment>(Deployments)), metrics);
        await Wait.UntilAsync(() => Volatile.Read(ref calls) == 3, "two failures and a success");

        var measured = errors.Snapshot();
        Assert.Equal(2, measured.Sum(m => m.Value));
        Assert.All(measured, m => Assert.Equal(nameof(TimeoutException), m.Tags["error"]));
        Assert.All(measured, m => Assert.Equal("builder-test", m.Tags["controller"]));
        stop.Cancel();
        await Wait.ForAsync(run, "the workers");
    }

    [Fact]
    public void Owns_BeforeFor_IsRejected()
    {
        var builder = new ControllerBuilder<V1Deployment>("x", new Recorder());
        var ex = Assert.Throws<InvalidOperationException>(() => builder.Owns(_factory.InformerFor<V1ConfigMap>(ConfigMaps)));
        Assert.Contains("For(", ex.Message);
    }
}
