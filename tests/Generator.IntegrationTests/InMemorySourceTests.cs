using System.Collections.Concurrent;
using KubeInformers.Generator.IntegrationTests.Informers.Core.V1;
using k8s;
using k8s.Models;
using KubeInformers.Generator.IntegrationTests.Model;
using static KubeInformers.Generator.IntegrationTests.Items;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>The generated informers, listers and typed indexes over the real runtime, fed by an in-memory list/watch source.</summary>
public class InMemorySourceTests
{
    [Fact]
    public async Task FactoryPropertyReturnsOneSharedInformerWithItsIndexesRegistered()
    {
        await using var factory = new InMemoryFactory(new InMemoryListWatch<V1Pod>([]));
        var pods = factory.Core.V1.Pods;
        Assert.Same(pods, factory.Core.V1.Pods);
        Assert.Same(pods.Informer, factory.InformerFor<V1Pod>(KubeInformers.Generator.IntegrationTests.Informers.Core.V1.PodInformer.Resource));
        Assert.Contains(PodIndexes.ByNode, pods.Informer.Indexer.Indexers.Keys);
        Assert.Contains(PodIndexes.ByOwner, pods.Informer.Indexer.Indexers.Keys);
    }

    [Fact]
    public async Task TypedListerAndIndexesServeTheSyncedCache()
    {
        var source = new InMemoryListWatch<V1Pod>(
        [
            Objects.Pod("a", "p1", node: "n1", images: ["nginx"], ownerUid: "rs-1"),
            Objects.Pod("a", "p2", node: "n2", images: ["nginx", "redis"], ownerUid: "rs-1"),
            Objects.Pod("b", "p3", node: "n1", images: ["redis"]),
        ]);
        await using var factory = new InMemoryFactory(source);
        var pods = factory.Core.V1.Pods;
        factory.Start();
        Assert.True(await pods.WaitForCacheSyncAsync(Wait.Timeout()));

        Assert.Equal(["p1", "p3"], Names(pods.Lister.ByNode("n1")));
        Assert.Equal(["p2", "p3"], Names(pods.Lister.ByImage("redis")));
        Assert.Equal(["p1", "p2"], Names(pods.Lister.ByOwner("rs-1")));
        Assert.Equal(["p3"], Names(pods.Lister.Namespace("b").ByNode("n1")));
        Assert.Equal(["p1", "p2"], Names(pods.Lister.Namespace("a").List()));
        Assert.Equal("p2", pods.Lister.Get("a", "p2")?.Metadata.Name);
        Assert.Null(pods.Lister.Namespace("b").Get("p2"));
        Assert.Empty(pods.Lister.ByNode("nowhere"));
    }

    [Fact]
    public async Task TypedHandlersReceiveAddUpdateAndDelete()
    {
        var source = new InMemoryListWatch<CronTab>([Objects.CronTab("ns", "first", "*/1 * * * *")]);
        await using var factory = new InMemoryFactory(source);
        var crons = factory.Stable.V1.CronTabs;
        var seen = new ConcurrentQueue<string>();
        var registration = crons.AddEventHandler(
            onAdd: (obj, initial) => seen.Enqueue($"add {obj.Metadata.Name} {initial}"),
            onUpdate: (oldObj, newObj) => seen.Enqueue($"update {newObj.Metadata.Name} {oldObj.Spec?.CronSpec}->{newObj.Spec?.CronSpec}"),
            onDelete: (obj, unknown) => seen.Enqueue($"delete {obj.Metadata.Name} {unknown}"));
        factory.Start();
        Assert.True(await crons.WaitForCacheSyncAsync(Wait.Timeout()));
        await Wait.UntilAsync(() => registration.HasSynced, "the handler received the initial list");

        var second = Objects.CronTab("ns", "second", "0 * * * *");
        second.Metadata.ResourceVersion = "11";
        source.Push(WatchEventType.Added, second);
        var changed = Objects.CronTab("ns", "second", "5 * * * *");
        changed.Metadata.ResourceVersion = "12";
        source.Push(WatchEventType.Modified, changed);
        source.Push(WatchEventType.Deleted, changed);
        await Wait.UntilAsync(() => seen.Count == 4, "four notifications");

        Assert.Equal(
            ["add first True", "add second False", "update second 0 * * * *->5 * * * *", "delete second False"],
            seen.ToArray());
        Assert.Empty(crons.Lister.BySchedule("5 * * * *"));
        Assert.Single(crons.Lister.BySchedule("*/1 * * * *"));
    }

    [Fact]
    public async Task WrappingTheSameInformerAgainAndConcurrentlyRegistersIndexesOnce()
    {
        await using var factory = new InMemoryFactory(new InMemoryListWatch<V1Pod>([Objects.Pod("a", "p1", node: "n1")]));
        var direct = new PodInformer(factory.InformerFor<V1Pod>(PodInformer.Resource));
        factory.Start();
        Assert.True(await direct.WaitForCacheSyncAsync(Wait.Timeout()));

        var wrappers = new PodInformer[8];
        Parallel.For(0, wrappers.Length, i => wrappers[i] = new PodInformer(factory.InformerFor<V1Pod>(PodInformer.Resource)));
        var viaFactory = factory.Core.V1.Pods;

        Assert.All(wrappers, w => Assert.Same(direct.Informer, w.Informer));
        Assert.Same(direct.Informer, viaFactory.Informer);
        Assert.Equal(3 + 1, viaFactory.Informer.Indexer.Indexers.Count); // byImage, byNode, byOwner + the namespace index
        Assert.Equal(["p1"], Names(viaFactory.Lister.ByNode("n1")));
    }
}
