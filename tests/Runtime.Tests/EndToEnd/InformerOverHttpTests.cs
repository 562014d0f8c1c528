using System.Collections.Concurrent;
using k8s.Models;
using KubeInformers.Tests.TestSupport;

namespace KubeInformers.Tests.EndToEnd;

/// <summary>
/// An informer over real HTTP against a small stateful loopback API server: sync, live changes, bookmarks, a forced 410
/// with a delete missed while disconnected, an ERROR 410 on an open watch, and a final cache equal to the server.
/// </summary>
public sealed class InformerOverHttpTests
{
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);

    private sealed class Recorder : IResourceEventHandler<V1ConfigMap>
    {
        public ConcurrentQueue<string> Events { get; } = new();
        public ConcurrentDictionary<string, int> InitialAdds { get; } = new();

        public void OnAdd(V1ConfigMap obj, bool isInInitialList)
        {
            if (isInInitialList)
            {
                InitialAdds[Key(obj)] = 1;
            }
            else
            {
                Events.Enqueue("add " + Key(obj));
            }
        }

        public void OnUpdate(V1ConfigMap oldObj, V1ConfigMap newObj)
        {
            if (oldObj.Metadata.ResourceVersion != newObj.Metadata.ResourceVersion)
            {
                Events.Enqueue($"update {Key(newObj)} {oldObj.Data["value"]}->{newObj.Data["value"]}");
            }
        }

        public void OnDelete(V1ConfigMap obj, bool finalStateUnknown) =>
            Events.Enqueue("delete " + Key(obj) + (finalStateUnknown ? " unknown" : ""));

        private static string Key(V1ConfigMap obj) => obj.Metadata.NamespaceProperty + "/" + obj.Metadata.Name;
    }

    [Fact]
    public async Task Informer_syncs_follows_changes_survives_forced_410s_and_ends_equal_to_the_server()
    {
        const int count = 1200;
        await using var server = await FlowApiServer.StartAsync();
        for (var i = 0; i < count; i++)
        {
            server.Create("ns" + (i % 3), "cm-" + i, "v0");
        }

        await using var factory = new SharedInformerFactory(server.CreateClient(), new SharedInformerFactoryOptions
        {
            Reflector = new ReflectorOptions
            {
                InitialBackoff = TimeSpan.FromMilliseconds(50),
                MaxBackoff = TimeSpan.FromMilliseconds(500),
                WatchIdleTimeout = TimeSpan.FromSeconds(30),
            },
        });
        var informer = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        var recorder = new Recorder();
        var registration = informer.AddEventHandler(recorder);

        // Sync: a paginated first list (this server ignores nothing: limit 500 over 1200 objects is 3 pages).
        factory.Start();
        await Wait.ForAsync(factory.WaitForCacheSyncAsync(), "the cache sync");
        await Wait.UntilAsync(() => registration.HasSynced, "the handler to receive the initial list");
        Assert.Equal(count, recorder.InitialAdds.Count);
        Assert.Equal(count, informer.CacheCount);
        var firstLists = server.Requests.Where(r => !r.Query.ContainsKey("watch")).ToArray();
        Assert.Equal(3, firstLists.Length);
        Assert.Equal("0", firstLists[0].Query["resourceVersion"]);
        Assert.All(firstLists, r => Assert.Equal("500", r.Query["limit"]));
        await Wait.UntilAsync(() => server.OpenWatches == 1, "the watch to open");

        // Live changes.
        server.Create("ns1", "new-1", "v0");
        server.Update("ns0", "cm-0", "v1");
        server.Delete("ns1", "cm-1");
        await Wait.UntilAsync(() => recorder.Events.Count == 3, "three live notifications");
        Assert.Equal(["add ns1/new-1", "update ns0/cm-0 v0->v1", "delete ns1/cm-1"], recorder.Events);

        // Bookmarks move the informer's resourceVersion without notifications.
        server.SendBookmark();
        await Wait.UntilAsync(() => informer.LastSyncResourceVersion == server.CurrentResourceVersion, "the bookmark's resourceVersion");
        Assert.Equal(3, recorder.Events.Count);

        // Forced 410: the watch drops, a delete and an update happen while disconnected, and the history is compacted,
        // so the re-watch gets an ERROR 410 and the informer relists.
        server.DropWatches(s =>
        {
            s.Delete("ns0", "cm-3");
            s.Update("ns1", "cm-4", "v2");
            s.Compact();
        });
        await Wait.UntilAsync(() => recorder.Events.Contains("delete ns0/cm-3 unknown"), "the tombstone of the missed delete");
        await Wait.UntilAsync(() => recorder.Events.Contains("update ns1/cm-4 v0->v2"), "the missed update, from the relist");
        await Wait.UntilAsync(() => server.OpenWatches == 1, "the watch to reopen after the relist");

        // ERROR 410 on an open watch: relist and carry on.
        server.Compact(expireOpenWatches: true);
        await Wait.UntilAsync(() => server.OpenWatches == 1, "the watch to reopen after the ERROR event");
        server.Create("ns2", "after-410", "v0");
        server.Delete("ns2", "cm-5");
        await Wait.UntilAsync(() => recorder.Events.Contains("delete ns2/cm-5"), "changes after the second 410");

        // The cache equals the server.
        await Wait.UntilAsync(() => informer.LastSyncResourceVersion == server.CurrentResourceVersion, "the informer to catch up");
        var expected = server.Snapshot();
        var cached = informer.Lister.List().ToDictionary(o => o.Metadata.NamespaceProperty + "/" + o.Metadata.Name, o => o.Metadata.ResourceVersion);
        Assert.Equal(expected.OrderBy(kv => kv.Key), cached.OrderBy(kv => kv.Key));
        Assert.Null(informer.Lister.Get("ns0", "cm-3"));
        Assert.Equal("v2", informer.Lister.Namespace("ns1").Get("cm-4")!.Data["value"]);

        // Relists after a watch 410 ask for the last resourceVersion seen, not a consistent read.
        var relists = server.Requests.Where(r => !r.Query.ContainsKey("watch") && !r.Query.ContainsKey("continue")).Skip(1).ToArray();
        Assert.NotEmpty(relists);
        Assert.All(relists, r => Assert.NotEqual("", r.Query.GetValueOrDefault("resourceVersion", "")));

        await factory.ShutdownAsync();
        Assert.True(informer.IsStopped);
        await Wait.UntilAsync(() => server.OpenWatches == 0, "the server to see the watch closed");
    }

    [Fact]
    public async Task Informer_with_a_streaming_list_syncs_from_one_watch_and_follows_changes()
    {
        await using var server = await FlowApiServer.StartAsync();
        for (var i = 0; i < 50; i++)
        {
            server.Create("ns", "cm-" + i, "v0");
        }

        await using var factory = new SharedInformerFactory(server.CreateClient(), new SharedInformerFactoryOptions
        {
            Reflector = new ReflectorOptions { UseStreamingList = true, InitialBackoff = TimeSpan.FromMilliseconds(50) },
        });
        var informer = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        var recorder = new Recorder();
        var registration = informer.AddEventHandler(recorder);

        factory.Start();
        await Wait.ForAsync(factory.WaitForCacheSyncAsync(), "the cache sync");
        await Wait.UntilAsync(() => registration.HasSynced, "the initial adds");
        Assert.Equal(50, recorder.InitialAdds.Count);
        server.Update("ns", "cm-7", "v1");
        await Wait.UntilAsync(() => recorder.Events.Contains("update ns/cm-7 v0->v1"), "the change on the same watch");

        var requests = server.Requests;
        Assert.DoesNotContain(requests, r => !r.Query.ContainsKey("watch")); // no LIST at all
        var first = Assert.Single(requests);
        Assert.Equal("true", first.Query["sendInitialEvents"]);
        Assert.Equal("NotOlderThan", first.Query["resourceVersionMatch"]);

        // After a drop the informer resumes with a plain watch from its resourceVersion.
        server.DropWatches(s => s.Update("ns", "cm-8", "v1"));
        await Wait.UntilAsync(() => recorder.Events.Contains("update ns/cm-8 v0->v1"), "the change made while disconnected");
        var rewatch = server.Requests.Last();
        Assert.False(rewatch.Query.ContainsKey("sendInitialEvents"));
        Assert.Equal(50, informer.CacheCount);
    }
}
