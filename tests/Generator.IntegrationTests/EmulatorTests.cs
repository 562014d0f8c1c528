using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using KubeInformers.Generator.IntegrationTests.Model;
using static KubeInformers.Generator.IntegrationTests.Items;

namespace KubeInformers.Generator.IntegrationTests;

/// <summary>
/// The generated factory, informers, listers and typed indexes against the in-process Kubernetes API emulator over real
/// HTTP list/watch: built-ins and a custom resource served from its CustomResourceDefinition.
/// </summary>
public sealed class EmulatorTests : TeamsEmulatorTestBase
{
    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(CronTabCrd(), cancellationToken: Wait.Timeout());
    }

    [Fact]
    public async Task BuiltInInformersSyncAndServeTypedIndexes()
    {
        Emulator.Seed(Pod("team-a", "web-1", "node-1", "nginx:1.27"));
        Emulator.Seed(Pod("team-a", "web-2", "node-2", "nginx:1.27"));
        Emulator.Seed(Pod("team-b", "db-1", "node-1", "postgres:17"));
        Emulator.Seed(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "web", NamespaceProperty = "team-a" },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "web" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "web" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "web", Image = "nginx:1.27" }] },
                },
            },
        });

        await using var factory = new InformerFactory(Client);
        var pods = factory.Core.V1.Pods;
        var deployments = factory.Apps.V1.Deployments;
        var namespaces = factory.Core.V1.Namespaces;
        factory.Start();
        await factory.WaitForCacheSyncAsync(Wait.Timeout());

        Assert.Equal(["db-1", "web-1"], Names(pods.Lister.ByNode("node-1")));
        Assert.Equal(["web-1"], Names(pods.Lister.Namespace("team-a").ByNode("node-1")));
        Assert.Equal(["web-1", "web-2"], Names(pods.Lister.ByImage("nginx:1.27")));
        Assert.Equal("web", deployments.Lister.Get("team-a", "web")?.Metadata.Name);
        Assert.NotNull(namespaces.Lister.Get("team-b"));

        // A pod created after sync reaches the cache and its index through the watch.
        await Client.CoreV1.CreateNamespacedPodAsync(Pod("team-b", "db-2", "node-3", "postgres:17"), "team-b", cancellationToken: Wait.Timeout());
        await Wait.UntilAsync(() => pods.Lister.ByNode("node-3").Count == 1, "db-2 indexed under node-3");
        Assert.Equal(["db-1", "db-2"], Names(pods.Lister.ByImage("postgres:17")));
    }

    [Fact]
    public async Task TheGeneratedInformersTransformRunsBeforeCachingOnListedAndWatchedObjectsAndOnlyBeforeStart()
    {
        Emulator.Seed(Pod("team-a", "web-1", "node-1", "nginx:1.27"));

        await using var factory = new InformerFactory(Client);
        var pods = factory.Core.V1.Pods;
        pods.SetTransform(p =>
        {
            p.Metadata.Labels = new Dictionary<string, string>(p.Metadata.Labels ?? new Dictionary<string, string>()) { ["transformed"] = "yes" };
            return p;
        });
        factory.Start();
        await factory.WaitForCacheSyncAsync(Wait.Timeout());
        Assert.Throws<InvalidOperationException>(() => pods.SetTransform(p => p));

        await Client.CoreV1.CreateNamespacedPodAsync(Pod("team-b", "db-1", "node-2", "postgres:17"), "team-b", cancellationToken: Wait.Timeout());
        await Wait.UntilAsync(() => pods.Lister.Get("team-b", "db-1") is not null, "the watched pod");

        Assert.All(pods.Lister.List(), p => Assert.Equal("yes", p.Metadata.Labels["transformed"]));
        Assert.Equal(2, pods.Lister.List("transformed=yes").Count);
    }

    [Fact]
    public async Task CustomResourceInformerDeliversTypedEventsAndKeepsIndexesCurrent()
    {
        Emulator.Seed(Objects.CronTab("team-a", "backup", "0 3 * * *", 1, "blue", "backup:1"));
        Emulator.Seed(Objects.CronTab("team-b", "report", "0 8 * * 1", 2, "green", "report:1"));

        await using var factory = new InformerFactory(Client);
        var crons = factory.Stable.V1.CronTabs;
        var events = new ConcurrentQueue<string>();
        crons.AddEventHandler(
            onAdd: (tab, initial) => events.Enqueue($"add {tab.Metadata.Name} initial={initial}"),
            onUpdate: (before, after) =>
            {
                if (before.Metadata.ResourceVersion != after.Metadata.ResourceVersion)
                {
                    events.Enqueue($"update {after.Metadata.Name} {before.Spec?.CronSpec} -> {after.Spec?.CronSpec}");
                }
            },
            onDelete: (tab, finalStateUnknown) => events.Enqueue($"delete {tab.Metadata.Name} unknown={finalStateUnknown}"));
        factory.Start();
        Assert.True(await crons.WaitForCacheSyncAsync(Wait.Timeout()));

        Assert.Equal(["backup"], Names(crons.Lister.ByTeam("blue")));
        Assert.Equal(["report"], Names(crons.Lister.ByReplicas("2")));
        Assert.Equal(["report"], Names(crons.Lister.Namespace("team-b").BySchedule("0 8 * * 1")));
        Assert.Empty(crons.Lister.Namespace("team-a").BySchedule("0 8 * * 1"));

        await Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch("""{"spec":{"cronSpec":"30 3 * * *"}}""", V1Patch.PatchType.MergePatch),
            "stable.example.com", "v1", "team-a", "crontabs", "backup", cancellationToken: Wait.Timeout());
        await Wait.UntilAsync(() => crons.Lister.BySchedule("30 3 * * *").Count == 1, "backup re-indexed under its new schedule");
        Assert.Empty(crons.Lister.BySchedule("0 3 * * *"));

        await Client.CustomObjects.DeleteNamespacedCustomObjectAsync("stable.example.com", "v1", "team-b", "crontabs", "report", cancellationToken: Wait.Timeout());
        await Wait.UntilAsync(() => crons.Lister.ByTeam("green").Count == 0, "report removed from the team index");

        await Wait.UntilAsync(() => events.Count >= 4, "add, add, update, delete");
        var delivered = events.ToArray(); // one registration's calls arrive in order and never overlap
        Assert.Equal(["add backup initial=True", "add report initial=True"], delivered[..2].Order(StringComparer.Ordinal));
        Assert.Equal(["update backup 0 3 * * * -> 30 3 * * *", "delete report unknown=False"], delivered[2..]);
    }

    private static V1Pod Pod(string ns, string name, string node, string image) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns },
        Spec = new V1PodSpec { NodeName = node, Containers = [new V1Container { Name = "main", Image = image }] },
    };

    private static V1CustomResourceDefinition CronTabCrd() => new()
    {
        ApiVersion = "apiextensions.k8s.io/v1",
        Kind = "CustomResourceDefinition",
        Metadata = new V1ObjectMeta { Name = "crontabs.stable.example.com" },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = "stable.example.com",
            Scope = "Namespaced",
            Names = new V1CustomResourceDefinitionNames { Plural = "crontabs", Singular = "crontab", Kind = "CronTab", ListKind = "CronTabList" },
            Versions =
            [
                new V1CustomResourceDefinitionVersion
                {
                    Name = "v1",
                    Served = true,
                    Storage = true,
                    Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } },
                },
            ],
        },
    };
}
