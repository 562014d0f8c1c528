using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using KubeInformers.Generator.IntegrationTests.Model;
using static KubeInformers.Generator.IntegrationTests.Items;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>
/// Projection informers from the generated factory against the in-process emulator over real HTTP list/watch: list
/// items and watch events both decode through the generated reader, and listers, indexes and handlers work as for a
/// full informer.
/// </summary>
public sealed class ProjectionEmulatorTests : TeamsEmulatorTestBase
{
    [Fact]
    public async Task ProjectionInformerSyncsFollowsTheWatchAndServesListersIndexesAndSelectors()
    {
        Emulator.Seed(Pod("team-a", "web-1", "node-1", "web", "nginx:1.27", "sidecar:1"));
        Emulator.Seed(Pod("team-a", "web-2", "node-2", "web", "nginx:1.27"));
        Emulator.Seed(Pod("team-b", "db-1", "node-1", "db", "postgres:17"));

        await using var factory = new InformerFactory(Client);
        var summaries = factory.Core.V1.PodSummaries;
        var identities = factory.Core.V1.NamespaceIdentities;
        var events = new ConcurrentQueue<string>();
        summaries.AddEventHandler(
            onAdd: (pod, initial) => events.Enqueue($"add {pod.Metadata.Name} {pod.NodeName} initial={initial}"),
            onUpdate: (before, after) =>
            {
                if (before.Metadata.ResourceVersion != after.Metadata.ResourceVersion)
                {
                    events.Enqueue($"update {after.Metadata.Name} {before.Phase ?? "-"} -> {after.Phase}");
                }
            },
            onDelete: (pod, unknown) => events.Enqueue($"delete {pod.Metadata.Name}"));
        factory.Start();
        await factory.WaitForCacheSyncAsync(Wait.Timeout());

        Assert.Same(summaries, factory.Core.V1.PodSummaries);
        Assert.NotSame(summaries.Informer, factory.Core.V1.PodMetadatas.Informer); // another projection, another cache
        Assert.Equal(new ResourceDescriptor("", "v1", "pods", "Pod", true), PodSummaryInformer.Resource);

        var web1 = summaries.Lister.Get("team-a", "web-1");
        Assert.NotNull(web1);
        Assert.Equal("node-1", web1.NodeName);
        Assert.Equal(["nginx:1.27", "sidecar:1"], web1.Images);
        Assert.False(string.IsNullOrEmpty(web1.Metadata.Uid));
        Assert.False(string.IsNullOrEmpty(web1.Metadata.ResourceVersion));
        Assert.Equal(["db-1", "web-1"], Names(summaries.Lister.ByNode("node-1")));
        Assert.Equal(["web-1"], Names(summaries.Lister.Namespace("team-a").ByNode("node-1")));
        Assert.Equal(["web-1", "web-2"], Names(summaries.Lister.ByApp("web")));
        Assert.Equal(["db-1"], Names(summaries.Lister.List("app=db")));
        Assert.Contains("team-a", Names(identities.Lister.List()));
        Assert.NotNull(identities.Lister.Get("team-b"));

        // Live changes arrive through the watch, decoded by the same generated reader.
        await Client.CoreV1.CreateNamespacedPodAsync(Pod("team-b", "db-2", "node-3", "db", "postgres:17"), "team-b", cancellationToken: Wait.Timeout());
        await Wait.UntilAsync(() => summaries.Lister.ByNode("node-3").Count == 1, "db-2 indexed under node-3");
        await Client.CoreV1.PatchNamespacedPodStatusAsync(
            new V1Patch("""{"status":{"phase":"Running"}}""", V1Patch.PatchType.MergePatch), "web-2", "team-a", cancellationToken: Wait.Timeout());
        await Wait.UntilAsync(() => summaries.Lister.Get("team-a", "web-2")?.Phase == "Running", "web-2 running");
        await Client.CoreV1.DeleteNamespacedPodAsync("db-1", "team-b", cancellationToken: Wait.Timeout());
        await Wait.UntilAsync(() => summaries.Lister.Get("team-b", "db-1") is null, "db-1 removed");
        Assert.Equal(["web-1"], Names(summaries.Lister.ByNode("node-1")));

        await Wait.UntilAsync(() => events.Count >= 6, "3 adds, 1 add, 1 update, 1 delete");
        var delivered = events.ToArray();
        Assert.Equal(
            ["add db-1 node-1 initial=True", "add web-1 node-1 initial=True", "add web-2 node-2 initial=True"],
            delivered[..3].Order(StringComparer.Ordinal));
        Assert.Equal(["add db-2 node-3 initial=False", "update web-2 - -> Running", "delete db-1"], delivered[3..]);
    }

    [Fact]
    public async Task ALargeListIsDecodedAcrossStreamBufferBoundariesWithoutLosingAField()
    {
        // ~600 KB of list body: items straddle the decoder's buffer many times and are re-read when they do.
        var expected = new Dictionary<string, (string Node, string Image)>();
        for (var i = 0; i < 300; i++)
        {
            var pod = Pod(i % 2 == 0 ? "team-a" : "team-b", $"pod-{i:D3}", $"node-{i % 7}", "app-" + (i % 5), $"image-{i}:1");
            pod.Metadata.Annotations!["padding"] = new string('x', 1_500 + i);
            Emulator.Seed(pod);
            expected[pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name] = ($"node-{i % 7}", $"image-{i}:1");
        }

        await using var factory = new InformerFactory(Client);
        var summaries = factory.Core.V1.PodSummaries;
        factory.Start();
        Assert.True(await summaries.WaitForCacheSyncAsync(Wait.Timeout()));

        var cached = summaries.Lister.List();
        Assert.Equal(expected.Count, cached.Count);
        foreach (var pod in cached)
        {
            var (node, image) = expected[pod.Metadata.NamespaceProperty + "/" + pod.Metadata.Name];
            Assert.Equal(node, pod.NodeName);
            Assert.Equal([image], pod.Images);
            Assert.False(string.IsNullOrEmpty(pod.Metadata.Uid));
        }
    }

    [Fact]
    public async Task MetadataOnlyInformerKeepsIdentityAndProjectedLabelsOnly()
    {
        Emulator.Seed(Pod("team-a", "web-1", "node-1", "web", "nginx:1.27"));
        await using var factory = new InformerFactory(Client);
        var metadata = factory.Core.V1.PodMetadatas;
        factory.Start();
        Assert.True(await metadata.WaitForCacheSyncAsync(Wait.Timeout()));

        var pod = Assert.Single(metadata.Lister.List("app=web"));
        Assert.Equal("web-1", pod.Metadata.Name);
        Assert.Equal("team-a", pod.Metadata.NamespaceProperty);
        Assert.Equal("web", pod.Labels!["app"]);
        Assert.Null(pod.Metadata.Annotations);
        Assert.Null(pod.Metadata.ManagedFields);
    }

    private static V1Pod Pod(string ns, string name, string node, string app, params string[] images) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = ns,
            Labels = new Dictionary<string, string> { ["app"] = app },
            Annotations = new Dictionary<string, string> { ["note"] = "not cached by projections" },
        },
        Spec = new V1PodSpec { NodeName = node, Containers = images.Select((image, i) => new V1Container { Name = "c" + i, Image = image }).ToList() },
    };
}
