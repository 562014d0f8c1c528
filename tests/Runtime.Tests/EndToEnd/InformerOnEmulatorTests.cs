using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using KubeInformers.Emulator;
using KubeInformers.Tests.TestSupport;

namespace KubeInformers.Tests.EndToEnd;

/// <summary>
/// The informer against the emulator, a real Kubernetes API server protocol implementation, with writes made by
/// KubernetesClient: sync, live adds/updates/deletes, a delete missed while the watch was stalled and the history
/// compacted (delivered as a tombstone after the forced 410 and relist), and a cache equal to the server at the end.
/// </summary>
public sealed class InformerOnEmulatorTests
{
    private static readonly ResourceDescriptor ConfigMaps = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);
    private static readonly string[] Namespaces = ["default", "team-a", "team-b"];

    private sealed class Recorder : IResourceEventHandler<V1ConfigMap>
    {
        public ConcurrentDictionary<string, string> LastSeen { get; } = new();
        public ConcurrentDictionary<string, bool> Deleted { get; } = new();
        public int InitialAdds;

        public void OnAdd(V1ConfigMap obj, bool isInInitialList)
        {
            if (isInInitialList) Interlocked.Increment(ref InitialAdds);
            Deleted.TryRemove(Key(obj), out _);
            LastSeen[Key(obj)] = obj.Metadata.ResourceVersion;
        }

        public void OnUpdate(V1ConfigMap oldObj, V1ConfigMap newObj) => LastSeen[Key(newObj)] = newObj.Metadata.ResourceVersion;

        public void OnDelete(V1ConfigMap obj, bool finalStateUnknown)
        {
            LastSeen.TryRemove(Key(obj), out _);
            Deleted[Key(obj)] = finalStateUnknown;
        }
    }

    private static string Key(V1ConfigMap cm) => cm.Metadata.NamespaceProperty + "/" + cm.Metadata.Name;

    private static V1ConfigMap ConfigMap(string ns, string name, string value) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Data = new Dictionary<string, string> { ["value"] = value },
    };

    [Fact]
    public async Task Informer_on_the_emulator_converges_through_live_changes_and_a_delete_missed_during_a_forced_410()
    {
        await using var emulator = await KubernetesEmulator.StartAsync();
        foreach (var ns in Namespaces.Skip(1))
            emulator.Seed(new V1Namespace { ApiVersion = "v1", Kind = "Namespace", Metadata = new V1ObjectMeta { Name = ns } });
        for (var i = 0; i < 300; i++)
            emulator.Seed(ConfigMap(Namespaces[i % 3], "cm-" + i, "v0"));

        using var client = emulator.CreateClient();
        var options = new SharedInformerFactoryOptions
        {
            Reflector = new ReflectorOptions { PageSize = 100, InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(200) },
        };
        await using var factory = new SharedInformerFactory(client, options);
        var informer = factory.InformerFor<V1ConfigMap>(ConfigMaps);
        var recorder = new Recorder();
        var registration = informer.AddEventHandler(recorder);
        factory.Start();

        await factory.WaitForCacheSyncAsync(TimeSpan.FromSeconds(30)); // throws InformerSyncException naming the informer if it does not sync
        await Wait.UntilAsync(() => registration.HasSynced, "the handler received the initial list");
        Assert.Equal(300, informer.CacheCount);
        Assert.Equal(300, recorder.InitialAdds);

        // Live changes through a client we did not write.
        for (var i = 0; i < 10; i++)
        {
            await client.CoreV1.CreateNamespacedConfigMapAsync(ConfigMap("team-a", "new-" + i, "v0"), "team-a");
            var existing = await client.CoreV1.ReadNamespacedConfigMapAsync("cm-" + (i * 3), "default");
            existing.Data["value"] = "v1";
            await client.CoreV1.ReplaceNamespacedConfigMapAsync(existing, "cm-" + (i * 3), "default");
            await client.CoreV1.DeleteNamespacedConfigMapAsync("cm-" + (i * 3 + 1), "team-a");
        }
        await Wait.UntilAsync(() => recorder.Deleted.Count == 10 && recorder.LastSeen.ContainsKey("team-a/new-9"), "the live changes reached the handler");
        Assert.All(recorder.Deleted.Values, finalStateUnknown => Assert.False(finalStateUnknown));

        // Miss a delete: stall the watch, delete and update behind its back, compact history, cut the connection.
        emulator.Faults.StallWatches();
        await client.CoreV1.DeleteNamespacedConfigMapAsync("cm-2", "team-b");
        var missed = await client.CoreV1.ReadNamespacedConfigMapAsync("cm-5", "team-b");
        missed.Data["value"] = "changed-while-away";
        await client.CoreV1.ReplaceNamespacedConfigMapAsync(missed, "cm-5", "team-b");
        emulator.Faults.CompactHistory();
        emulator.Faults.ResetWatches();
        emulator.Faults.ResumeWatches();

        await Wait.UntilAsync(() => recorder.Deleted.ContainsKey("team-b/cm-2"), "the missed delete is delivered after the relist");
        Assert.True(recorder.Deleted["team-b/cm-2"], "a delete inferred by a relist is marked final-state-unknown");

        // The cache and the handler's view equal the server.
        var server = await client.CoreV1.ListConfigMapForAllNamespacesAsync();
        var expected = server.Items.ToDictionary(Key, cm => cm.Metadata.ResourceVersion);
        await Wait.UntilAsync(() => recorder.LastSeen.Count == expected.Count && expected.All(kv => recorder.LastSeen.TryGetValue(kv.Key, out var rv) && rv == kv.Value),
            "the handler's last-seen state equals the server");
        var cached = informer.Lister.List().ToDictionary(Key, cm => cm.Metadata.ResourceVersion);
        Assert.Equal(expected.OrderBy(kv => kv.Key), cached.OrderBy(kv => kv.Key));
        Assert.Equal("changed-while-away", informer.Lister.Get("team-b", "cm-5")!.Data["value"]);
    }
}
