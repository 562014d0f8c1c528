using k8s;
using k8s.Models;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>
/// Informers on the emulator decode list items and watch objects with the compiled readers (by default) and end with
/// exactly the server's objects; with <see cref="SharedInformerFactoryOptions.CompiledReaders"/> off they never use them.
/// </summary>
[Collection(nameof(CompiledReaderEmulatorTests))]
public sealed class CompiledReaderEmulatorTests : TeamsEmulatorTestBase
{
    [Fact]
    public async Task WithCompiledReadersOffAnInformerNeverUsesThem()
    {
        Emulator.Seed(Objects.Pod("team-a", "plain", "node-1", ["nginx:1.27"]));
        var before = CompiledReaderRegistry.GetStatistics<V1Pod>();
        await using var factory = new InformerFactory(Client, new SharedInformerFactoryOptions { CompiledReaders = false });
        var pods = factory.Core.V1.Pods;
        factory.Start();
        await factory.WaitForCacheSyncAsync(Wait.Timeout());
        await Client.CoreV1.CreateNamespacedPodAsync(New("team-b", "watched"), "team-b", cancellationToken: Wait.Timeout());
        await Wait.UntilAsync(() => pods.Lister.Get("team-b", "watched") is not null, "the watch delivered the new pod");

        Assert.Equal("node-1", pods.Lister.Get("team-a", "plain")?.Spec?.NodeName);
        Assert.Equal(before, CompiledReaderRegistry.GetStatistics<V1Pod>());
    }

    [Fact]
    public async Task AnInformerDecodesWithTheCompiledReaderAndEndsEqualToTheServer()
    {
        for (var i = 0; i < 20; i++)
        {
            Emulator.Seed(Objects.Pod(i % 2 == 0 ? "team-a" : "team-b", $"web-{i}", $"node-{i % 3}", ["nginx:1.27"]));
        }

        var before = (Pods: CompiledReaderRegistry.GetStatistics<V1Pod>(), Namespaces: CompiledReaderRegistry.GetStatistics<V1Namespace>());
        await using var factory = new InformerFactory(Client);
        var pods = factory.Core.V1.Pods;
        var namespaces = factory.Core.V1.Namespaces;
        factory.Start();
        await factory.WaitForCacheSyncAsync(Wait.Timeout());

        // The counters are per process; this collection runs alone, so they count this test's decoding only.
        Assert.Equal(before.Pods.Decoded + 20, CompiledReaderRegistry.GetStatistics<V1Pod>().Decoded);
        var serverNamespaces = (await Client.CoreV1.ListNamespaceAsync(cancellationToken: Wait.Timeout())).Items.Count;
        Assert.Equal(before.Namespaces.Decoded + serverNamespaces, CompiledReaderRegistry.GetStatistics<V1Namespace>().Decoded);

        // Watch events go through the compiled reader too.
        await Client.CoreV1.CreateNamespacedPodAsync(New("team-a", "late"), "team-a", cancellationToken: Wait.Timeout());
        await Client.CoreV1.PatchNamespacedPodAsync(
            new V1Patch("""{"metadata":{"labels":{"touched":"yes"}}}""", V1Patch.PatchType.MergePatch), "web-1", "team-b", cancellationToken: Wait.Timeout());
        await Client.CoreV1.DeleteNamespacedPodAsync("web-2", "team-a", cancellationToken: Wait.Timeout());
        await Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team-c" } }, cancellationToken: Wait.Timeout());
        await Wait.UntilAsync(() => pods.Lister.Get("team-a", "late") is not null
            && pods.Lister.Get("team-b", "web-1")?.Metadata.Labels?.ContainsKey("touched") == true
            && pods.Lister.Get("team-a", "web-2") is null
            && namespaces.Lister.Get("team-c") is not null, "the watch delivered every change");
        Assert.True(CompiledReaderRegistry.GetStatistics<V1Pod>().Decoded >= before.Pods.Decoded + 22); // ADDED and MODIFIED (DELETED too)
        Assert.Equal(before.Namespaces.Decoded + serverNamespaces + 1, CompiledReaderRegistry.GetStatistics<V1Namespace>().Decoded);

        var server = await Client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: Wait.Timeout());
        var expected = server.Items.Select(p => (Key(p), Json(p, "v1", "Pod"))).OrderBy(p => p.Item1).ToList();
        var cached = pods.Lister.List().Select(p => (Key(p), Json(p, "v1", "Pod"))).OrderBy(p => p.Item1).ToList();
        Assert.Equal(expected, cached);
    }

    private static V1Pod New(string ns, string name)
    {
        var pod = Objects.Pod(ns, name, "node-9", ["busybox:1"]);
        pod.Metadata.ResourceVersion = null;
        return pod;
    }

    private static string Key(V1Pod pod) => pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name;

    // List responses leave apiVersion and kind out of items (the informer fills them in): compare with them set.
    private static string Json(V1Pod pod, string apiVersion, string kind)
    {
        var copy = KubernetesJson.Deserialize<V1Pod>(KubernetesJson.Serialize(pod));
        copy.ApiVersion ??= apiVersion;
        copy.Kind ??= kind;
        return KubernetesJson.Serialize(copy);
    }
}

/// <summary>Compiled-reader counters are per process: tests that assert on them run alone.</summary>
[CollectionDefinition(nameof(CompiledReaderEmulatorTests), DisableParallelization = true)]
public sealed class CompiledReaderEmulatorCollection;
